/// The parser for a capture file's format, chosen by its first four bytes.
enum CaptureParser: Sendable {
    case classic(ClassicPcapParser)
    case pcapng(PcapngParser)

    /// Reads the file header at the window's start; nil while too few bytes are there.
    static func open(_ window: inout CaptureWindow) throws(CaptureError) -> CaptureParser? {
        guard try window.has(4, orThrow: .truncatedFileHeader) else { return nil }
        let magic = window.bigEndianU32(at: window.offset)
        if magic == PcapMagic.pcapngSection {
            return try PcapngParser.open(&window).map { .pcapng($0) }
        }
        return try ClassicPcapParser.open(&window, magic: magic).map { .classic($0) }
    }

    /// The next packet; nil at the end of a complete window, or when more bytes are
    /// needed (`window.wanted` says how many).
    mutating func next(_ window: inout CaptureWindow) throws(CaptureError) -> PcapRecord? {
        switch self {
        case .classic(var classic):
            defer { self = .classic(classic) }
            return try classic.next(&window)
        case .pcapng(var pcapng):
            defer { self = .pcapng(pcapng) }
            return try pcapng.next(&window)
        }
    }
}
