import Wire

/// The connection slots and the 4-tuple index over them: chained hash buckets keyed
/// with SipHash, threaded through per-slot links, all sized once at init. A freed slot
/// gets a new generation, so stale handles miss.
struct TCPConnectionTable {
    var slots: [TCPConnection]
    private(set) var live: [Bool]
    private var buckets: [Int32]
    private var chain: [Int32]
    private var freeSlots: [Int32]
    private let hasher: TCPInitialSequence

    init(limits: TCPLimits, seed: UInt64) {
        let capacity = Swift.max(limits.maxConnections, 1)
        slots = [TCPConnection](repeating: TCPConnection(limits: limits), count: capacity)
        for i in 0..<capacity { slots[i].slot = UInt32(i) }
        live = [Bool](repeating: false, count: capacity)
        var bucketCount = 1
        while bucketCount < capacity &* 2 { bucketCount &<<= 1 }
        buckets = [Int32](repeating: -1, count: bucketCount)
        chain = [Int32](repeating: -1, count: capacity)
        freeSlots = (0..<capacity).reversed().map { Int32($0) }
        hasher = TCPInitialSequence(seed: seed ^ 0x5443_5054_4142_4C45)
    }

    var capacity: Int { slots.count }
    var hasFreeSlot: Bool { !freeSlots.isEmpty }

    /// The slot a valid handle names.
    func slot(for handle: TCPHandle) -> Int? {
        let index = Int(handle.index)
        guard index < slots.count, live[index], slots[index].generation == handle.generation else { return nil }
        return index
    }

    func find(local: IPv4Address, localPort: UInt16, remote: IPv4Address, remotePort: UInt16) -> Int? {
        var cursor = buckets[bucket(local: local, localPort: localPort, remote: remote, remotePort: remotePort)]
        while cursor >= 0 {
            let i = Int(cursor)
            if slots[i].localPort == localPort, slots[i].remotePort == remotePort,
                slots[i].remoteAddress == remote, slots[i].localAddress == local
            {
                return i
            }
            cursor = chain[Int(cursor)]
        }
        return nil
    }

    /// Takes a free slot; the caller starts the connection, then `insert`s it.
    mutating func allocate() -> Int? {
        guard let slot = freeSlots.popLast() else { return nil }
        live[Int(slot)] = true
        return Int(slot)
    }

    /// Indexes a started connection by its 4-tuple.
    mutating func insert(_ slot: Int) {
        let b = bucket(of: slot)
        chain[slot] = buckets[b]
        buckets[b] = Int32(slot)
    }

    mutating func free(_ slot: Int) {
        guard live[slot] else { return }
        let b = bucket(of: slot)
        if buckets[b] == Int32(slot) {
            buckets[b] = chain[slot]
        } else {
            var cursor = buckets[b]
            while cursor >= 0 {
                if chain[Int(cursor)] == Int32(slot) {
                    chain[Int(cursor)] = chain[slot]
                    break
                }
                cursor = chain[Int(cursor)]
            }
        }
        chain[slot] = -1
        live[slot] = false
        slots[slot].state = .closed
        slots[slot].generation &+= 1
        freeSlots.append(Int32(slot))
    }

    private func bucket(of slot: Int) -> Int {
        bucket(local: slots[slot].localAddress, localPort: slots[slot].localPort,
               remote: slots[slot].remoteAddress, remotePort: slots[slot].remotePort)
    }

    private func bucket(local: IPv4Address, localPort: UInt16, remote: IPv4Address, remotePort: UInt16) -> Int {
        let hash = hasher.hashTuple(local: local, localPort: localPort, remote: remote, remotePort: remotePort)
        return Int(truncatingIfNeeded: hash) & (buckets.count &- 1)
    }
}
