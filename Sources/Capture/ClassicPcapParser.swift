/// The classic libpcap format: a 24-byte file header, then records of a 16-byte header
/// and the packet bytes. Byte order and timestamp precision come from the magic number.
struct ClassicPcapParser: Sendable {
    static let fileHeaderLength = 24
    static let recordHeaderLength = 16

    private let loader: EndianLoader
    private let nanosecond: Bool
    private let linkType: LinkType

    /// Reads the file header; `magic` is its first four bytes read big-endian. nil while
    /// the window holds too few bytes.
    static func open(_ window: inout CaptureWindow, magic: UInt32) throws(CaptureError) -> ClassicPcapParser? {
        let swapped: Bool, nanosecond: Bool
        switch magic {
        case PcapMagic.microseconds: (swapped, nanosecond) = (false, false)
        case PcapMagic.microseconds.byteSwapped: (swapped, nanosecond) = (true, false)
        case PcapMagic.nanoseconds: (swapped, nanosecond) = (false, true)
        case PcapMagic.nanoseconds.byteSwapped: (swapped, nanosecond) = (true, true)
        default: throw .unknownMagic(magic)
        }
        guard try window.has(fileHeaderLength, orThrow: .truncatedFileHeader) else { return nil }
        let loader = EndianLoader(littleEndian: swapped)
        let header = window.offset
        let major = loader.u16(window.bytes, header + 4), minor = loader.u16(window.bytes, header + 6)
        guard major == 2 else { throw .unsupportedVersion(major: major, minor: minor) }
        // The top bits of the link-type field carry FCS information, not the type.
        let linkType = LinkType(rawValue: UInt16(truncatingIfNeeded: loader.u32(window.bytes, header + 20)))
        window.offset += fileHeaderLength
        return ClassicPcapParser(loader: loader, nanosecond: nanosecond, linkType: linkType)
    }

    private init(loader: EndianLoader, nanosecond: Bool, linkType: LinkType) {
        self.loader = loader
        self.nanosecond = nanosecond
        self.linkType = linkType
    }

    mutating func next(_ window: inout CaptureWindow) throws(CaptureError) -> PcapRecord? {
        guard !window.isExhausted, try window.has(Self.recordHeaderLength) else { return nil }
        let bytes = window.bytes, offset = window.offset
        let seconds = loader.u32(bytes, offset)
        let fraction = UInt64(loader.u32(bytes, offset + 4)) * (nanosecond ? 1 : 1000)
        let captured = loader.u32(bytes, offset + 8)
        let original = loader.u32(bytes, offset + 12)
        guard captured <= PcapReader.maximumRecordLength else {
            throw .recordTooLarge(offset: window.fileOffset, length: captured)
        }
        guard try window.has(Self.recordHeaderLength + Int(captured)) else { return nil }
        let start = offset + Self.recordHeaderLength
        window.offset = start + Int(captured)
        // A garbage fraction above one second carries into the seconds rather than trapping.
        let timestamp = CaptureTimestamp(
            seconds: UInt64(seconds) + fraction / 1_000_000_000,
            nanoseconds: UInt32(fraction % 1_000_000_000))
        return PcapRecord(
            timestamp: timestamp, linkType: linkType,
            originalLength: Int(max(original, captured)), data: bytes[start..<window.offset])
    }
}

/// Classic pcap magic numbers as they read big-endian from the first four bytes.
enum PcapMagic {
    static let microseconds: UInt32 = 0xA1B2_C3D4
    static let nanoseconds: UInt32 = 0xA1B2_3C4D
    /// The pcapng Section Header Block type, a byte palindrome.
    static let pcapngSection: UInt32 = 0x0A0D_0D0A
}
