/// Bytes the application wrote and the peer has not yet acknowledged. Offset 0 is the
/// sequence number `start` (SND.UNA once the SYN is acknowledged); sent and unsent bytes
/// share the ring, so a retransmission reads the same storage again.
struct TCPSendBuffer {
    var ring = TCPByteRing()
    /// Bytes held, sent or not.
    private(set) var count = 0
    /// The sequence number of the first byte held.
    var start = TCPSequenceNumber(0)

    var capacity: Int { ring.capacity }
    var free: Int { capacity &- count }
    /// The sequence number after the last byte held (where a FIN goes).
    var end: TCPSequenceNumber { start + count }

    mutating func prepare(capacity: Int, start: TCPSequenceNumber) {
        ring.prepare(capacity: capacity)
        count = 0
        self.start = start
    }

    /// Takes as much of `bytes` as fits; returns how much.
    mutating func append(_ bytes: UnsafeRawBufferPointer) -> Int {
        let taken = Swift.min(bytes.count, free)
        guard taken > 0 else { return 0 }
        ring.write(UnsafeRawBufferPointer(rebasing: bytes[0..<taken]), at: count)
        count &+= taken
        return taken
    }

    /// Drops bytes the peer acknowledged up to `sequence`; returns how many.
    mutating func acknowledge(upTo sequence: TCPSequenceNumber) -> Int {
        let acked = Swift.min(Swift.max(sequence - start, 0), count)
        ring.advance(by: acked)
        count &-= acked
        start = start + acked
        return acked
    }

    /// Copies `length` bytes starting at `sequence` (inside the buffer) to `destination`.
    func copy(from sequence: TCPSequenceNumber, length: Int, into destination: UnsafeMutableRawPointer) {
        ring.copy(from: sequence - start, count: length, into: destination)
    }
}
