/// Reads packets from a capture file held in memory: classic pcap (either byte order,
/// microsecond or nanosecond timestamps) or pcapng. Records are slices of the given bytes,
/// so iterating allocates nothing per packet. Garbage input ends in a `CaptureError`,
/// never a trap.
public struct PcapReader: Sendable {
    /// No real capture has a packet this large (tcpdump's default snap length); a larger
    /// length field means the file is corrupt, not that the packet is big.
    public static let maximumRecordLength: UInt32 = 262_144

    private enum Parser: Sendable {
        case classic(ClassicPcapParser)
        case pcapng(PcapngParser)
    }

    private var parser: Parser

    /// Checks the file header; records are read lazily by `next()`.
    public init(_ bytes: [UInt8]) throws(CaptureError) {
        guard bytes.count >= 4 else { throw .truncatedFileHeader }
        let magic = bigEndianU32(bytes, at: 0)
        if magic == PcapMagic.pcapngSection {
            parser = .pcapng(try PcapngParser(bytes))
        } else {
            parser = .classic(try ClassicPcapParser(bytes, magic: magic))
        }
    }

    /// The next packet, or nil at the end of the file.
    public mutating func next() throws(CaptureError) -> PcapRecord? {
        switch parser {
        case .classic(var classic):
            defer { parser = .classic(classic) }
            return try classic.next()
        case .pcapng(var pcapng):
            defer { parser = .pcapng(pcapng) }
            return try pcapng.next()
        }
    }
}
