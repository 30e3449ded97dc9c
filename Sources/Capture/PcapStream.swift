/// Reads a capture file (the formats `PcapReader` reads) piece by piece through a
/// bounded buffer, so a file of any size is replayed in constant memory. Sans-IO: the
/// owner lends the buffer to its `read` in `fill` whenever `next` wants bytes.
///
///     while true {
///         if let record = try stream.next() { use(record) }
///         else if stream.isAtEnd { break }
///         else { stream.fill { buffer in read(fd, buffer) } }
///     }
///
/// A record's `data` is a slice of the buffer: use it before the next `fill`.
public struct PcapStream: Sendable {
    /// Bytes asked of `read` at a time.
    public let readSize: Int
    /// The longest block accepted (a pcapng block that is not a packet can exceed a
    /// packet's limit); a longer one is refused rather than buffered.
    public static let maximumBlockLength = 16 << 20

    private var window = CaptureWindow(bytes: [], isComplete: false)
    /// nil until the file header has been read.
    private var parser: CaptureParser?
    /// The file has been read to its end and every record returned.
    public private(set) var isAtEnd = false

    public init(readSize: Int = 1 << 16) {
        self.readSize = readSize
    }

    /// The next packet; nil at the end of the file (`isAtEnd`) or when more bytes must be
    /// read first (call `fill`). A corrupt record throws, naming its offset in the file.
    public mutating func next() throws(CaptureError) -> PcapRecord? {
        guard !isAtEnd else { return nil }
        if parser == nil {
            guard let opened = try CaptureParser.open(&window) else { return nil }
            parser = opened
        }
        if let record = try parser!.next(&window) { return record }
        if window.isExhausted {
            isAtEnd = true
        } else if window.wanted > Self.maximumBlockLength {
            throw .blockTooLarge(offset: window.fileOffset, length: window.wanted)
        }
        return nil
    }

    /// Drops the bytes already parsed, then lends `read` room after the unread ones; it
    /// returns how many bytes it wrote, 0 at the end of the file. The buffer grows only
    /// for a record longer than what it holds.
    public mutating func fill<E: Error>(_ read: (UnsafeMutableRawBufferPointer) throws(E) -> Int) throws(E) {
        if window.offset > 0 {
            let (offset, unread) = (window.offset, window.available)
            window.bytes.withUnsafeMutableBytes { bytes in
                bytes.baseAddress!.copyMemory(from: bytes.baseAddress! + offset, byteCount: unread)
            }
            window.base += offset
            window.offset = 0
            window.end = unread
        }
        let room = max(readSize, window.wanted - window.end)
        if window.bytes.count < window.end + room {
            window.bytes.append(contentsOf: repeatElement(0, count: window.end + room - window.bytes.count))
        }
        let start = window.end
        let count = try window.bytes.withUnsafeMutableBytes { bytes in
            Result { () throws(E) -> Int in try read(UnsafeMutableRawBufferPointer(rebasing: bytes[start..<start + room])) }
        }.get()
        window.end += max(0, min(count, room))
        if count <= 0 { window.isComplete = true }
    }
}
