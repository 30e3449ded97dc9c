import Wire

/// A segment with no connection behind it: a RST (to a closed port, after `abort`, for
/// an unacceptable ACK), or a SYN cookie's SYN-ACK. Queued until `nextSegment`, in a bounded ring; when it is full
/// the reset is dropped and counted (the peer retransmits and gets another chance).
struct TCPReset {
    var source: IPv4Address
    var destination: IPv4Address
    var sourcePort: UInt16
    var destinationPort: UInt16
    var sequence: TCPSequenceNumber
    var acknowledgment: TCPSequenceNumber
    var flags: UInt16
    /// Set for a SYN-ACK only: its window and MSS option.
    var window: UInt16 = 0
    var mss: UInt16? = nil
}

struct TCPResetQueue {
    private var ring: [TCPReset?]
    private var head = 0
    private var count = 0

    init(capacity: Int) {
        ring = [TCPReset?](repeating: nil, count: Swift.max(capacity, 1))
    }

    /// False when the queue is full.
    mutating func append(_ reset: TCPReset) -> Bool {
        guard count < ring.count else { return false }
        ring[(head &+ count) % ring.count] = reset
        count &+= 1
        return true
    }

    mutating func popFirst() -> TCPReset? {
        guard count > 0 else { return nil }
        let reset = ring[head]
        ring[head] = nil
        head = (head &+ 1) % ring.count
        count &-= 1
        return reset
    }
}
