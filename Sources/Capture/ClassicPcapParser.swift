/// The classic libpcap format: a 24-byte file header, then records of a 16-byte header
/// and the packet bytes. Byte order and timestamp precision come from the magic number.
struct ClassicPcapParser: Sendable {
    static let fileHeaderLength = 24
    static let recordHeaderLength = 16

    private let loader: EndianLoader
    private let nanosecond: Bool
    private let linkType: LinkType
    private var offset = ClassicPcapParser.fileHeaderLength

    /// `magic` is the first four bytes read big-endian, already known to be a pcap magic.
    init(_ bytes: [UInt8], magic: UInt32) throws(CaptureError) {
        let swapped: Bool
        switch magic {
        case PcapMagic.microseconds: (swapped, nanosecond) = (false, false)
        case PcapMagic.microseconds.byteSwapped: (swapped, nanosecond) = (true, false)
        case PcapMagic.nanoseconds: (swapped, nanosecond) = (false, true)
        case PcapMagic.nanoseconds.byteSwapped: (swapped, nanosecond) = (true, true)
        default: throw .unknownMagic(magic)
        }
        guard bytes.count >= Self.fileHeaderLength else { throw .truncatedFileHeader }
        loader = EndianLoader(bytes: bytes, littleEndian: swapped)
        let major = loader.u16(4), minor = loader.u16(6)
        guard major == 2 else { throw .unsupportedVersion(major: major, minor: minor) }
        // The top bits of the link-type field carry FCS information, not the type.
        linkType = LinkType(rawValue: UInt16(truncatingIfNeeded: loader.u32(20)))
    }

    mutating func next() throws(CaptureError) -> PcapRecord? {
        let bytes = loader.bytes
        let remaining = bytes.count - offset
        if remaining == 0 { return nil }
        guard remaining >= Self.recordHeaderLength else { throw .truncatedRecord(offset: offset) }
        let seconds = loader.u32(offset)
        let fraction = UInt64(loader.u32(offset + 4)) * (nanosecond ? 1 : 1000)
        let captured = loader.u32(offset + 8)
        let original = loader.u32(offset + 12)
        guard captured <= PcapReader.maximumRecordLength else {
            throw .recordTooLarge(offset: offset, length: captured)
        }
        let start = offset + Self.recordHeaderLength
        guard Int(captured) <= bytes.count - start else { throw .truncatedRecord(offset: offset) }
        offset = start + Int(captured)
        // A garbage fraction above one second carries into the seconds rather than trapping.
        let timestamp = CaptureTimestamp(
            seconds: UInt64(seconds) + fraction / 1_000_000_000,
            nanoseconds: UInt32(fraction % 1_000_000_000))
        return PcapRecord(
            timestamp: timestamp, linkType: linkType,
            originalLength: Int(max(original, captured)), data: bytes[start..<offset])
    }
}

/// Classic pcap magic numbers as they read big-endian from the first four bytes.
enum PcapMagic {
    static let microseconds: UInt32 = 0xA1B2_C3D4
    static let nanoseconds: UInt32 = 0xA1B2_3C4D
    /// The pcapng Section Header Block type, a byte palindrome.
    static let pcapngSection: UInt32 = 0x0A0D_0D0A
}
