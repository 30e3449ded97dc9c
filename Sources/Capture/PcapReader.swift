/// Reads packets from a capture file held in memory: classic pcap (either byte order,
/// microsecond or nanosecond timestamps) or pcapng. Records are slices of the given bytes,
/// so iterating allocates nothing per packet. Garbage input ends in a `CaptureError`,
/// never a trap. `PcapStream` reads the same formats from a file piece by piece.
public struct PcapReader: Sendable {
    /// No real capture has a packet this large (tcpdump's default snap length); a larger
    /// length field means the file is corrupt, not that the packet is big.
    public static let maximumRecordLength: UInt32 = 262_144

    private var window: CaptureWindow
    private var parser: CaptureParser

    /// Checks the file header; records are read lazily by `next()`.
    public init(_ bytes: [UInt8]) throws(CaptureError) {
        window = CaptureWindow(bytes: bytes, isComplete: true)
        // A complete window never waits for bytes: `open` returns a parser or throws.
        parser = try CaptureParser.open(&window)!
    }

    /// The next packet, or nil at the end of the file.
    public mutating func next() throws(CaptureError) -> PcapRecord? {
        try parser.next(&window)
    }
}
