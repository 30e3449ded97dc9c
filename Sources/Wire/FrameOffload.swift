/// What a frame asks of the device that sends it, as a paravirtual NIC's header carries
/// it (virtio-net's gso_size, hdr_len, csum_start, csum_offset): cut a large TCP/IPv4
/// frame into segments of `segmentSize` bytes of payload, each behind a copy of the
/// first `headerLength` bytes with lengths, IP IDs, sequence numbers and flags fixed
/// up, and finish the TCP checksum at `checksumStart + checksumOffset`, which holds only
/// the pseudo-header sum. The default asks nothing: the frame is complete.
public struct FrameOffload: Sendable, Equatable {
    /// Payload bytes per segment (the MSS less options); 0 for a complete frame.
    public var segmentSize: UInt16
    /// Ethernet, IPv4 and TCP headers with options: what every segment repeats.
    public var headerLength: UInt16
    /// Where the checksummed bytes start (the TCP header), counted from the frame's start.
    public var checksumStart: UInt16
    /// Where the checksum field lies, from `checksumStart`.
    public var checksumOffset: UInt16

    public init(segmentSize: UInt16 = 0, headerLength: UInt16 = 0, checksumStart: UInt16 = 0, checksumOffset: UInt16 = 0) {
        self.segmentSize = segmentSize
        self.headerLength = headerLength
        self.checksumStart = checksumStart
        self.checksumOffset = checksumOffset
    }

    /// True when the device must segment the frame and finish its checksum.
    public var segments: Bool { segmentSize > 0 }
}
