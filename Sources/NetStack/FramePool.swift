import Wire

/// Outgoing Ethernet frames in fixed-size slots allocated once: a FIFO of frames ready
/// for the wire, and frames parked until ARP resolves their next hop.
struct FramePool {
    enum SlotState { case free, reserved, ready, pending }

    let slotSize: Int
    private var storage: [UInt8]
    private var lengths: [Int]
    private var states: [SlotState]
    private var hops: [IPv4Address]
    /// Order of parking, so a resolved hop's frames leave in the order they were queued.
    private var arrival: [UInt64]
    private var freeSlots: [Int]
    private var ready: Ring<Int>
    private(set) var pendingCount = 0
    private var nextArrival: UInt64 = 0

    init(slots: Int, slotSize: Int) {
        let slots = Swift.max(slots, 1)
        self.slotSize = slotSize
        storage = [UInt8](repeating: 0, count: slots * slotSize)
        lengths = [Int](repeating: 0, count: slots)
        states = [SlotState](repeating: .free, count: slots)
        hops = [IPv4Address](repeating: .any, count: slots)
        arrival = [UInt64](repeating: 0, count: slots)
        freeSlots = Array((0..<slots).reversed())
        ready = Ring(capacity: slots)
    }

    var freeCount: Int { freeSlots.count }

    /// A slot to write a frame into, then `commitReady`, `commitPending` or `release`.
    mutating func reserve() -> Int? {
        guard let slot = freeSlots.popLast() else { return nil }
        states[slot] = .reserved
        return slot
    }

    /// Lets `body` write into the slot's bytes.
    mutating func write<R>(_ slot: Int, _ body: (UnsafeMutableRawBufferPointer) -> R) -> R {
        let start = slot * slotSize
        let end = start + slotSize
        return storage.withUnsafeMutableBytes { raw in
            body(UnsafeMutableRawBufferPointer(rebasing: raw[start..<end]))
        }
    }

    mutating func commitReady(_ slot: Int, length: Int) {
        lengths[slot] = length
        states[slot] = .ready
        ready.push(slot)
    }

    mutating func commitPending(_ slot: Int, length: Int, hop: IPv4Address) {
        lengths[slot] = length
        states[slot] = .pending
        hops[slot] = hop
        arrival[slot] = nextArrival
        nextArrival &+= 1
        pendingCount &+= 1
    }

    mutating func release(_ slot: Int) {
        states[slot] = .free
        freeSlots.append(slot)
    }

    func pendingCount(for hop: IPv4Address) -> Int {
        var n = 0
        for slot in 0..<states.count where states[slot] == .pending && hops[slot] == hop { n &+= 1 }
        return n
    }

    /// Moves the frames waiting for `hop` to the ready queue in their order, with the
    /// Ethernet destination filled in.
    mutating func resolve(_ hop: IPv4Address, mac: MACAddress) {
        while let slot = oldestPending(for: hop) {
            write(slot) { bytes in
                for i in 0..<6 { bytes[i] = mac[i] }
            }
            pendingCount &-= 1
            commitReady(slot, length: lengths[slot])
        }
    }

    /// Frees the frames waiting for `hop`; returns how many.
    mutating func dropPending(for hop: IPv4Address) -> Int {
        var dropped = 0
        for slot in 0..<states.count where states[slot] == .pending && hops[slot] == hop {
            pendingCount &-= 1
            release(slot)
            dropped &+= 1
        }
        return dropped
    }

    private func oldestPending(for hop: IPv4Address) -> Int? {
        var best: Int?
        for slot in 0..<states.count where states[slot] == .pending && hops[slot] == hop {
            if let b = best, arrival[b] <= arrival[slot] { continue }
            best = slot
        }
        return best
    }

    enum Popped { case empty, frame(length: Int), tooLarge }

    /// Copies the oldest ready frame into `buffer` and frees its slot; a frame larger than
    /// `buffer` is dropped.
    mutating func popReady(into buffer: UnsafeMutableRawBufferPointer) -> Popped {
        guard let slot = ready.pop() else { return .empty }
        let length = lengths[slot]
        defer { release(slot) }
        guard length <= buffer.count, let destination = buffer.baseAddress else { return .tooLarge }
        let start = slot * slotSize
        storage.withUnsafeBytes { raw in
            destination.copyMemory(from: raw.baseAddress.unsafelyUnwrapped + start, byteCount: length)
        }
        return .frame(length: length)
    }
}
