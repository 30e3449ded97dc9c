/// Splits an OpenFlow byte stream into messages, under any segmentation.
///
/// Bytes go in as they arrive; `next()` hands out each complete message as a slice of
/// the framer's own buffer, so framing copies nothing and, once the buffer has grown
/// to the connection's working size, allocates nothing. Consumed bytes are reclaimed
/// on the following `append`. Drop each slice before appending again, or that append
/// must copy the buffer to keep the slice valid.
public struct Framer {
    /// `buffer[start..<end]` are the bytes not yet handed out; past `end` is room that
    /// `appendReading` lends to a read (zeroed once, when the buffer grows).
    private var buffer: [UInt8] = []
    private var start = 0
    private var end = 0
    private var broken: OpenFlowError?
    /// The room the next `appendReading` makes sure of: 4 KB, doubled by each read that
    /// fills what it was lent.
    private var readRoom = 4096

    public init(capacity: Int = 1 << 16) {
        buffer.reserveCapacity(capacity)
    }

    /// Bytes received and not yet handed out as a message.
    public var bufferedCount: Int { end - start }

    /// Once `next()` has thrown `badHeaderLength`: the 8 header bytes that broke the
    /// stream, so the receiver can answer OFPBRC_BAD_LEN with them before it closes.
    public var brokenHeader: ArraySlice<UInt8>? {
        broken == nil ? nil : buffer[start..<start + Header.length]
    }

    public mutating func append(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBytes { append($0) }
    }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        makeRoom(bytes.count)
        let at = end
        buffer.withUnsafeMutableBytes { UnsafeMutableRawBufferPointer(rebasing: $0[at..<at + bytes.count]).copyMemory(from: bytes) }
        end += bytes.count
    }

    /// Lends `read` room right after the buffered bytes, so a socket reads straight into
    /// the framer with no copy; `read` returns how many bytes it stored (0 or less: none).
    /// The room is at most `maximum` bytes: what the buffer holds already, at least 4 KB.
    /// A read that fills it doubles it for the next one (up to `maximum`), so only a busy
    /// connection's buffer grows, once, and an idle one costs 4 KB. Not generic over a
    /// read error (a failed read is the caller's to keep, and stores nothing): called
    /// from another module, a generic one ran unspecialized, looking up metadata per read.
    @discardableResult
    public mutating func appendReading(maximum: Int, _ read: (UnsafeMutableRawBufferPointer) -> Int) -> Int {
        makeRoom(min(maximum, readRoom))
        let at = end
        let room = min(maximum, buffer.count - at)
        let stored = buffer.withUnsafeMutableBytes { bytes in
            read(UnsafeMutableRawBufferPointer(rebasing: bytes[at..<at + room]))
        }
        guard stored > 0 else { return 0 }
        end += min(stored, room)
        if stored >= room { readRoom = min(maximum, 2 * room) }
        return min(stored, room)
    }

    /// The next whole message, or nil until more bytes arrive. Throws
    /// `badHeaderLength` (stream-fatal, and sticky) when a header declares fewer than
    /// 8 bytes, since no later boundary can then be trusted.
    public mutating func next() throws(OpenFlowError) -> ArraySlice<UInt8>? {
        if let broken { throw broken }
        let available = end - start
        guard available >= Header.length else { return nil }
        let length = Int(buffer[start + 2]) << 8 | Int(buffer[start + 3])
        guard length >= Header.length else {
            broken = .badHeaderLength(UInt16(length))
            throw .badHeaderLength(UInt16(length))
        }
        guard available >= length else { return nil }
        defer { start += length }
        return buffer[start..<start + length]
    }

    private static let zeros = [UInt8](repeating: 0, count: 4096)

    /// Moves the unread bytes to the front and makes sure `count` more fit after them.
    private mutating func makeRoom(_ count: Int) {
        if start == end {
            start = 0
            end = 0
        } else if start > 0 {
            let (from, length) = (start, end - start)
            buffer.withUnsafeMutableBytes { bytes in
                bytes.baseAddress!.copyMemory(from: bytes.baseAddress! + from, byteCount: length)
            }
            start = 0
            end = length
        }
        var missing = end + count - buffer.count
        while missing > 0 {
            // Zeros from a block, as raw bytes: a byte-by-byte append is slow unoptimized.
            let step = min(missing, Self.zeros.count)
            Self.zeros.withUnsafeBytes { buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[..<step])) }
            missing -= step
        }
    }
}
