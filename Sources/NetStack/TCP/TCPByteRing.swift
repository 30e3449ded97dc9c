/// A fixed-capacity circular byte store. Positions are offsets from `head`, the oldest
/// byte kept; copies in and out wrap around the end with at most two `memcpy`s.
/// The storage is allocated once and kept when a connection slot is reused.
struct TCPByteRing {
    private var storage: [UInt8] = []
    /// Index in `storage` of offset 0.
    private(set) var head = 0

    var capacity: Int { storage.count }

    /// Sizes the ring (allocating only if the size changes) and empties it.
    mutating func prepare(capacity: Int) {
        if storage.count != capacity { storage = [UInt8](repeating: 0, count: capacity) }
        head = 0
    }

    /// Forgets the first `count` bytes.
    mutating func advance(by count: Int) {
        guard capacity > 0 else { return }
        head = (head &+ count) % capacity
    }

    /// Stores `source` at `offset` (offset + count <= capacity, checked by the caller).
    mutating func write(_ source: UnsafeRawBufferPointer, at offset: Int) {
        let count = source.count
        guard count > 0, capacity > 0, let base = source.baseAddress else { return }
        let start = (head &+ offset) % capacity
        let first = Swift.min(count, capacity &- start)
        storage.withUnsafeMutableBytes { ring in
            guard let ringBase = ring.baseAddress else { return }
            (ringBase + start).copyMemory(from: base, byteCount: first)
            if first < count { ringBase.copyMemory(from: base + first, byteCount: count &- first) }
        }
    }

    /// Copies `count` bytes from `offset` into `destination` (which holds at least `count`).
    func copy(from offset: Int, count: Int, into destination: UnsafeMutableRawPointer) {
        guard count > 0, capacity > 0 else { return }
        let start = (head &+ offset) % capacity
        let first = Swift.min(count, capacity &- start)
        storage.withUnsafeBytes { ring in
            guard let ringBase = ring.baseAddress else { return }
            destination.copyMemory(from: ringBase + start, byteCount: first)
            if first < count { (destination + first).copyMemory(from: ringBase, byteCount: count &- first) }
        }
    }
}
