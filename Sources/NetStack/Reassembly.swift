import Scheduler
import Wire

/// IPv4 reassembly (RFC 791, RFC 815) in fixed slots, each allocated on its first use
/// and kept (not 1 MB zeroed at every start for fragments most hosts never see). Each slot's
/// buffer holds the first fragment's header just before the payload, so a finished
/// datagram is one contiguous packet. Overlapping fragments drop the whole datagram (as
/// RFC 5722 asks of IPv6); an exact duplicate is ignored. One source holds at most
/// `perSource` slots.
struct Reassembler {
    /// Room for the longest header (60 bytes) ahead of a 65535-byte payload.
    static let headerRoom = 60
    static let bufferSize = headerRoom + 65535

    struct Key: Equatable {
        var source: IPv4Address
        var destination: IPv4Address
        var identification: UInt16
        var proto: UInt8
    }

    struct Slot {
        var key = Key(source: .any, destination: .any, identification: 0, proto: 0)
        var inUse = false
        var deadline = Instant.zero
        var buffer: [UInt8] = []
        /// Received payload ranges, `starts[i]..<ends[i]`; never overlapping.
        var starts: [Int] = []
        var ends: [Int] = []
        var received = 0
        /// Payload length, known once the last fragment (MF clear) arrived.
        var total: Int?
        /// Header length of the first fragment, once it arrived.
        var headerLength = 0
    }

    enum Outcome: Equatable {
        case incomplete
        /// The datagram is whole: read it with `packet(slot)`, then `release(slot)`.
        case complete(slot: Int)
        case duplicate
        case overlap
        /// Malformed, past 65535 bytes, too many fragments, no free slot, or the source
        /// already holds its share.
        case dropped
    }

    private var slots: [Slot]
    let timeout: Interval
    let maxFragments: Int
    let perSource: Int

    init(limits: NetStackLimits) {
        timeout = limits.reassemblyTimeout
        maxFragments = Swift.max(limits.fragmentsPerDatagram, 2)
        perSource = Swift.max(limits.reassemblySlotsPerSource, 1)
        slots = [Slot](repeating: Slot(), count: Swift.max(limits.reassemblySlots, 1))
    }

    /// Adds one fragment (`packet` is its header and payload, cut to the total length).
    mutating func add(_ header: IPv4Header, packet: ArraySlice<UInt8>, now: Instant) -> Outcome {
        let headerLength = header.headerLength
        let payload = packet.dropFirst(headerLength)
        let start = Int(header.fragmentOffset) &* 8
        let end = start &+ payload.count
        let isLast = !header.moreFragments
        // Every fragment but the last carries a non-empty multiple of 8 bytes.
        guard end <= 65535, isLast || (payload.count > 0 && payload.count % 8 == 0) else { return .dropped }
        let key = Key(
            source: header.source, destination: header.destination, identification: header.identification,
            proto: header.proto.rawValue)
        guard let s = slotIndex(for: key, now: now) else { return .dropped }
        if slots[s].buffer.isEmpty {
            slots[s].buffer = [UInt8](repeating: 0, count: Self.bufferSize)
            slots[s].starts.reserveCapacity(maxFragments)
            slots[s].ends.reserveCapacity(maxFragments)
        }

        if let total = slots[s].total, end > total || (isLast && end != total) {
            return reject(s)
        }
        if isLast, slots[s].total == nil, let lastEnd = slots[s].ends.max(), lastEnd > end {
            return reject(s)
        }
        for i in 0..<slots[s].starts.count where slots[s].starts[i] < end && start < slots[s].ends[i] {
            if slots[s].starts[i] == start && slots[s].ends[i] == end { return .duplicate }
            release(s)
            return .overlap
        }
        guard slots[s].starts.count < maxFragments else {
            release(s)
            return .dropped
        }
        let headerStart = Self.headerRoom &- headerLength
        slots[s].buffer.withUnsafeMutableBytes { raw in
            if start == 0 {
                packet.prefix(headerLength).withUnsafeBytes { source in
                    UnsafeMutableRawBufferPointer(rebasing: raw[headerStart..<Self.headerRoom]).copyMemory(from: source)
                }
            }
            payload.withUnsafeBytes { source in
                let at = Self.headerRoom &+ start
                UnsafeMutableRawBufferPointer(rebasing: raw[at..<(at &+ source.count)]).copyMemory(from: source)
            }
        }
        if start == 0 { slots[s].headerLength = headerLength }
        slots[s].starts.append(start)
        slots[s].ends.append(end)
        slots[s].received &+= payload.count
        if isLast { slots[s].total = end }
        if let total = slots[s].total, slots[s].received == total, slots[s].headerLength > 0 {
            return .complete(slot: s)
        }
        return .incomplete
    }

    private mutating func reject(_ s: Int) -> Outcome {
        release(s)
        return .overlap
    }

    /// The slot already collecting `key`, else a free one if the source is within its share.
    private mutating func slotIndex(for key: Key, now: Instant) -> Int? {
        var free: Int?
        var fromSource = 0
        for i in 0..<slots.count {
            if slots[i].inUse {
                if slots[i].key == key { return i }
                if slots[i].key.source == key.source { fromSource &+= 1 }
            } else if free == nil {
                free = i
            }
        }
        guard let i = free, fromSource < perSource else { return nil }
        slots[i].key = key
        slots[i].inUse = true
        slots[i].deadline = now + timeout
        return i
    }

    /// The whole datagram of a completed slot, header then payload. The header's length
    /// and fragment fields are those of the first fragment.
    func packet(_ slot: Int) -> ArraySlice<UInt8> {
        let s = slots[slot]
        return s.buffer[(Self.headerRoom &- s.headerLength)..<(Self.headerRoom &+ (s.total ?? 0))]
    }

    mutating func release(_ slot: Int) {
        slots[slot].inUse = false
        slots[slot].starts.removeAll(keepingCapacity: true)
        slots[slot].ends.removeAll(keepingCapacity: true)
        slots[slot].received = 0
        slots[slot].total = nil
        slots[slot].headerLength = 0
    }

    var nextDeadline: Instant? {
        var earliest: Instant?
        for slot in slots where slot.inUse {
            if let e = earliest, e <= slot.deadline { continue }
            earliest = slot.deadline
        }
        return earliest
    }

    /// A slot whose time ran out, still held so the caller can quote its first fragment;
    /// the caller releases it. Call until nil.
    func expired(now: Instant) -> Int? {
        for i in 0..<slots.count where slots[i].inUse && now >= slots[i].deadline { return i }
        return nil
    }

    func key(_ slot: Int) -> Key { slots[slot].key }

    /// The first fragment of an unfinished datagram, header and payload, if it arrived.
    func firstFragment(_ slot: Int) -> ArraySlice<UInt8>? {
        let s = slots[slot]
        guard s.headerLength > 0, let i = s.starts.firstIndex(of: 0) else { return nil }
        return s.buffer[(Self.headerRoom &- s.headerLength)..<(Self.headerRoom &+ s.ends[i])]
    }
}
