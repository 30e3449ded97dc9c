import Wire

/// The bound UDP sockets, each with a receive buffer made when it is first bound: a byte
/// area holding whole datagrams back to back (wrapping to the front when the tail has no
/// room) and a ring of their records.
struct UDPSocketTable {
    struct Record {
        var source: IPv4Address
        var sourcePort: UInt16
        var offset: Int
        var length: Int
        /// Placed at the front because the tail had no room.
        var wrapped: Bool
    }

    struct Slot {
        var port: UInt16 = 0
        var isOpen = false
        var generation: UInt16 = 0
        var bytes: [UInt8] = []
        var records: Ring<Record>
        /// Where the next datagram goes, and whether the data runs past the end to the front.
        var tail = 0
        var isWrapped = false
    }

    enum Enqueued { case queued(wasEmpty: Bool), full }

    private var slots: [Slot]
    let receiveBytes: Int
    let receiveDatagrams: Int
    private var nextEphemeral: UInt16 = 49152

    init(limits: NetStackLimits) {
        receiveBytes = Swift.max(limits.udpReceiveBytes, 1)
        receiveDatagrams = Swift.max(limits.udpReceiveDatagrams, 1)
        slots = [Slot](repeating: Slot(records: Ring(capacity: 0)), count: Swift.max(limits.udpSockets, 1))
    }

    /// Binds `port` (0 picks a free ephemeral port, 49152...65535).
    mutating func bind(port: UInt16) throws(NetError) -> UDPSocket {
        var port = port
        if port == 0 {
            guard let ephemeral = freeEphemeralPort() else { throw .portInUse }
            port = ephemeral
        } else if find(port: port) != nil {
            throw .portInUse
        }
        guard let i = slots.firstIndex(where: { !$0.isOpen }) else { throw .socketLimit }
        if slots[i].bytes.isEmpty {
            slots[i].bytes = [UInt8](repeating: 0, count: receiveBytes)
            slots[i].records = Ring(capacity: receiveDatagrams)
        }
        slots[i].port = port
        slots[i].isOpen = true
        return UDPSocket(index: UInt16(i), generation: slots[i].generation)
    }

    private mutating func freeEphemeralPort() -> UInt16? {
        for _ in 0..<16384 {
            let candidate = nextEphemeral
            nextEphemeral = nextEphemeral == 65535 ? 49152 : nextEphemeral &+ 1
            if find(port: candidate) == nil { return candidate }
        }
        return nil
    }

    /// The open slot for a handle, or nil for a stale or invalid one.
    func slot(_ socket: UDPSocket) -> Int? {
        let i = Int(socket.index)
        guard i < slots.count, slots[i].isOpen, slots[i].generation == socket.generation else { return nil }
        return i
    }

    func port(_ socket: UDPSocket) -> UInt16? { slot(socket).map { slots[$0].port } }

    func find(port: UInt16) -> Int? {
        slots.firstIndex { $0.isOpen && $0.port == port }
    }

    func handle(_ slot: Int) -> UDPSocket { UDPSocket(index: UInt16(slot), generation: slots[slot].generation) }

    /// Closes the socket; its unread datagrams are discarded and the handle dies.
    mutating func close(_ socket: UDPSocket) {
        guard let i = slot(socket) else { return }
        slots[i].isOpen = false
        slots[i].generation &+= 1
        slots[i].records.removeAll()
    }

    /// Stores one datagram for the socket in `slot`, whole or not at all.
    mutating func enqueue(_ slot: Int, source: IPv4Address, sourcePort: UInt16, payload: ArraySlice<UInt8>) -> Enqueued {
        let length = payload.count
        guard !slots[slot].records.isFull, let (offset, wraps) = placement(slot, length: length) else { return .full }
        let wasEmpty = slots[slot].records.isEmpty
        slots[slot].bytes.withUnsafeMutableBytes { raw in
            payload.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(rebasing: raw[offset..<(offset &+ length)]).copyMemory(from: source)
            }
        }
        slots[slot].records.push(Record(source: source, sourcePort: sourcePort, offset: offset, length: length, wrapped: wraps))
        slots[slot].tail = offset &+ length
        if wraps { slots[slot].isWrapped = true }
        return .queued(wasEmpty: wasEmpty)
    }

    /// Where `length` bytes fit: at the tail, or at the front when the tail has no room
    /// and the oldest datagram starts far enough in; nil when they do not fit.
    private mutating func placement(_ slot: Int, length: Int) -> (Int, wraps: Bool)? {
        let capacity = slots[slot].bytes.count
        guard length <= capacity else { return nil }
        guard let oldest = slots[slot].records.first else {
            slots[slot].tail = 0
            slots[slot].isWrapped = false
            return (0, false)
        }
        let tail = slots[slot].tail
        if slots[slot].isWrapped { return oldest.offset &- tail >= length ? (tail, false) : nil }
        if capacity &- tail >= length { return (tail, false) }
        return length <= oldest.offset ? (0, true) : nil
    }

    /// Copies the oldest datagram out (cut to `buffer`'s size) and removes it.
    mutating func dequeue(
        _ socket: UDPSocket, into buffer: UnsafeMutableRawBufferPointer
    ) -> (source: IPv4Address, sourcePort: UInt16, length: Int)? {
        guard let i = slot(socket), let record = slots[i].records.pop() else { return nil }
        if slots[i].records.first?.wrapped == true { slots[i].isWrapped = false }
        let count = Swift.min(record.length, buffer.count)
        if count > 0, let destination = buffer.baseAddress {
            slots[i].bytes.withUnsafeBytes { raw in
                destination.copyMemory(from: raw.baseAddress.unsafelyUnwrapped + record.offset, byteCount: count)
            }
        }
        return (record.source, record.sourcePort, count)
    }
}
