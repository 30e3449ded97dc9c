/// Received bytes waiting for the application, plus out-of-order ranges stored in place
/// beyond them. Offsets are relative to RCV.NXT: in-order bytes sit before it,
/// out-of-order ranges after it, all in one ring. The window is the space left.
struct TCPReceiveBuffer {
    /// An out-of-order byte range, as offsets from RCV.NXT.
    struct Range: Equatable {
        var lower: Int
        var upper: Int
    }

    var ring = TCPByteRing()
    /// In-order bytes the application has not read.
    private(set) var readable = 0
    /// Sorted, disjoint, not touching offset 0; bounded by `rangeLimit`.
    private(set) var outOfOrder: [Range] = []
    private var rangeLimit = 0
    /// A byte offset inside the range that grew last (RFC 2018: its block goes first).
    private(set) var recentOffset = 0

    var capacity: Int { ring.capacity }
    /// Bytes the peer may still send beyond RCV.NXT.
    var window: Int { capacity &- readable }

    mutating func prepare(capacity: Int, rangeLimit: Int) {
        ring.prepare(capacity: capacity)
        readable = 0
        recentOffset = 0
        if outOfOrder.capacity < rangeLimit { outOfOrder.reserveCapacity(rangeLimit) }
        outOfOrder.removeAll(keepingCapacity: true)
        self.rangeLimit = rangeLimit
    }

    enum StoreResult: Equatable {
        /// RCV.NXT moves forward by this many bytes (out-of-order ranges joined included).
        case advanced(Int)
        /// Kept out of order.
        case queued
        /// No room for another out-of-order range.
        case dropped
    }

    /// Stores `bytes` that start `offset` bytes past RCV.NXT. The caller trimmed them to
    /// the window (offset >= 0, offset + count <= window).
    mutating func store(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> StoreResult {
        let upper = offset &+ bytes.count
        guard bytes.count > 0, offset >= 0, upper <= window else { return .advanced(0) }
        if offset > 0 {
            guard insert(Range(lower: offset, upper: upper)) else { return .dropped }
            recentOffset = offset
            ring.write(bytes, at: readable &+ offset)
            return .queued
        }
        ring.write(bytes, at: readable)
        var advance = upper
        // Ranges now reached (or overlapped) join the in-order bytes.
        var joined = 0
        while joined < outOfOrder.count, outOfOrder[joined].lower <= advance {
            advance = Swift.max(advance, outOfOrder[joined].upper)
            joined &+= 1
        }
        if joined > 0 { outOfOrder.removeFirst(joined) }
        for i in outOfOrder.indices {
            outOfOrder[i].lower &-= advance
            outOfOrder[i].upper &-= advance
        }
        recentOffset &-= advance
        readable &+= advance
        return .advanced(advance)
    }

    /// Merges `range` into the sorted list; false when it needs a new entry and the list is full.
    private mutating func insert(_ range: Range) -> Bool {
        var merged = range
        var first = 0
        while first < outOfOrder.count, outOfOrder[first].upper < merged.lower { first &+= 1 }
        var last = first
        while last < outOfOrder.count, outOfOrder[last].lower <= merged.upper {
            merged.lower = Swift.min(merged.lower, outOfOrder[last].lower)
            merged.upper = Swift.max(merged.upper, outOfOrder[last].upper)
            last &+= 1
        }
        if last == first {
            guard outOfOrder.count < rangeLimit else { return false }
            outOfOrder.insert(merged, at: first)
        } else {
            outOfOrder[first] = merged
            if last > first &+ 1 { outOfOrder.removeSubrange((first &+ 1)..<last) }
        }
        return true
    }

    /// The index of the out-of-order range that grew last.
    var recentRange: Int? {
        outOfOrder.firstIndex { $0.lower <= recentOffset && recentOffset < $0.upper }
    }

    /// Copies up to `buffer.count` in-order bytes out and frees their space.
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = Swift.min(buffer.count, readable)
        guard count > 0, let base = buffer.baseAddress else { return 0 }
        ring.copy(from: 0, count: count, into: base)
        ring.advance(by: count)
        readable &-= count
        return count
    }

    /// Drops every byte held (the application closed and will not read them).
    mutating func discard() {
        ring.advance(by: readable)
        readable = 0
    }
}
