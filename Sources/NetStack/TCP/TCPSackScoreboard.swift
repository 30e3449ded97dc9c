/// The RFC 6675 scoreboard: the ranges above SND.UNA the peer reported holding in SACK
/// blocks, sorted and disjoint. It holds at most `capacity` ranges inline, so neither a
/// segment nor a hostile peer makes it allocate or grow; when full, the highest range
/// is forgotten (the lowest holes are the ones retransmitted first, and forgetting
/// SACKed data only makes the sender more cautious).
struct TCPSackScoreboard {
    static let capacity = 8
    /// RFC 6675 DupThresh.
    static let duplicateThreshold = 3

    private var lefts = InlineArray<8, TCPSequenceNumber>(repeating: TCPSequenceNumber(0))
    private var rights = InlineArray<8, TCPSequenceNumber>(repeating: TCPSequenceNumber(0))
    private(set) var count = 0

    func left(_ i: Int) -> TCPSequenceNumber { lefts[i] }
    func right(_ i: Int) -> TCPSequenceNumber { rights[i] }

    mutating func removeAll() { count = 0 }

    /// Records one ACK's blocks once SND.UNA is `una`; returns the bytes newly SACKed.
    /// Blocks that are empty or reach outside SND.UNA..SND.MAX are ignored: a D-SACK
    /// (RFC 2883) reports bytes below SND.UNA, and the rest are stale or forged.
    mutating func update(una: TCPSequenceNumber, sendMax: TCPSequenceNumber, blocks: TCPSackBlocks) -> Int {
        acknowledge(upTo: una)
        let before = sackedBytes(above: una)
        for i in 0..<blocks.count {
            let left = blocks.left(i)
            let right = blocks.right(i)
            guard una < left, left < right, !(sendMax < right) else { continue }
            insert(left: left, right: right)
        }
        return sackedBytes(above: una) &- before
    }

    /// Drops what the cumulative ACK now covers.
    private mutating func acknowledge(upTo una: TCPSequenceNumber) {
        var gone = 0
        while gone < count, !(una < rights[gone]) { gone &+= 1 }
        if gone > 0 {
            for i in gone..<count {
                lefts[i &- gone] = lefts[i]
                rights[i &- gone] = rights[i]
            }
            count &-= gone
        }
        if count > 0, lefts[0] < una { lefts[0] = una }
    }

    private mutating func insert(left: TCPSequenceNumber, right: TCPSequenceNumber) {
        var lower = left
        var upper = right
        var first = 0
        while first < count, rights[first] < lower { first &+= 1 }
        var last = first
        while last < count, !(upper < lefts[last]) {
            if lefts[last] < lower { lower = lefts[last] }
            if upper < rights[last] { upper = rights[last] }
            last &+= 1
        }
        let merged = last &- first
        if merged == 0, count == Self.capacity {
            guard first < count else { return }  // above every range held: forgotten
            count &-= 1  // the highest range makes room
        }
        // Ranges first..<last become one at `first`; those after move to follow it.
        let shift = 1 &- merged
        if shift > 0 {
            var i = count
            while i > last {
                i &-= 1
                lefts[i &+ shift] = lefts[i]
                rights[i &+ shift] = rights[i]
            }
        } else if shift < 0 {
            for i in last..<count {
                lefts[i &+ shift] = lefts[i]
                rights[i &+ shift] = rights[i]
            }
        }
        count &+= shift
        lefts[first] = lower
        rights[first] = upper
    }

    /// SACKed bytes above `sequence`.
    func sackedBytes(above sequence: TCPSequenceNumber) -> Int {
        var total = 0
        for i in 0..<count where sequence < rights[i] {
            total &+= rights[i] - (sequence < lefts[i] ? lefts[i] : sequence)
        }
        return total
    }

    /// RFC 6675 IsLost: DupThresh discontiguous SACKed ranges above `sequence`, or more
    /// than DupThresh - 1 segments' worth of SACKed bytes.
    func isLost(_ sequence: TCPSequenceNumber, segmentSize: Int) -> Bool {
        var ranges = 0
        var bytes = 0
        var i = count
        while i > 0 {
            i &-= 1
            guard sequence < rights[i] else { break }
            ranges &+= 1
            bytes &+= rights[i] - (sequence < lefts[i] ? lefts[i] : sequence)
        }
        return ranges >= Self.duplicateThreshold || bytes > (Self.duplicateThreshold &- 1) &* segmentSize
    }

    /// The unSACKed range below range `i` (or above the last one for `i == count`, up
    /// to `highData`); empty when nothing is missing there.
    func hole(_ i: Int, una: TCPSequenceNumber, highData: TCPSequenceNumber) -> (start: TCPSequenceNumber, end: TCPSequenceNumber) {
        let start = i == 0 ? una : rights[i &- 1]
        return (start, i < count ? lefts[i] : highData)
    }

    /// RFC 6675 SetPipe: the bytes between SND.UNA and HighData not SACKed and not
    /// presumed lost, plus those retransmitted (below `highRetransmit`). A whole hole is
    /// lost or not, since the same SACKed ranges lie above each of its bytes.
    func pipe(una: TCPSequenceNumber, highData: TCPSequenceNumber, highRetransmit: TCPSequenceNumber, segmentSize: Int) -> Int {
        var pipe = 0
        for i in 0...count {
            let (start, end) = hole(i, una: una, highData: highData)
            guard start < end else { continue }
            if i == count || !isLost(start, segmentSize: segmentSize) { pipe &+= end - start }
            if start < highRetransmit { pipe &+= (highRetransmit < end ? highRetransmit : end) - start }
        }
        return pipe
    }

    /// RFC 6675 NextSeg rules 1 and 3: the first unSACKed byte at or above `from`,
    /// below the highest SACKed byte, and (with `lostOnly`) presumed lost; with the end
    /// of its hole.
    func firstHole(from: TCPSequenceNumber, una: TCPSequenceNumber, lostOnly: Bool, segmentSize: Int) -> (start: TCPSequenceNumber, end: TCPSequenceNumber)? {
        for i in 0..<count {
            var (start, end) = hole(i, una: una, highData: una)
            if start < from { start = from }
            guard start < end else { continue }
            if lostOnly, !isLost(start, segmentSize: segmentSize) { return nil }  // holes above are less lost
            return (start, end)
        }
        return nil
    }

    /// The highest unSACKed range below `highData`, for RFC 6675 NextSeg rule 4.
    func highestHole(una: TCPSequenceNumber, highData: TCPSequenceNumber) -> (start: TCPSequenceNumber, end: TCPSequenceNumber)? {
        var i = count
        while true {
            let (start, end) = hole(i, una: una, highData: highData)
            if start < end { return (start, end) }
            guard i > 0 else { return nil }
            i &-= 1
        }
    }
}
