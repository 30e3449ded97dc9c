import Wire

/// The parts of a TCP segment that stream reassembly needs. `payload` is a slice of the
/// captured frame.
public struct TCPSegment: Sendable {
    public var key: FlowKey
    public var sequence: UInt32
    /// `TCPHeader.Flags` bits.
    public var flags: UInt16
    /// The payload bytes present in the capture.
    public var payload: ArraySlice<UInt8>
    /// Payload bytes that were on the wire after `payload` but cut off by the snap length.
    public var missingLength: Int

    public init(key: FlowKey, sequence: UInt32, flags: UInt16, payload: ArraySlice<UInt8>, missingLength: Int = 0) {
        self.key = key
        self.sequence = sequence
        self.flags = flags
        self.payload = payload
        self.missingLength = missingLength
    }

    @inlinable public var isSYN: Bool { flags & TCPHeader.Flags.syn != 0 }
    @inlinable public var isFIN: Bool { flags & TCPHeader.Flags.fin != 0 }
    @inlinable public var isRST: Bool { flags & TCPHeader.Flags.rst != 0 }
}
