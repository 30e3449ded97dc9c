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

    /// Lends `read` room for up to `maximum` bytes right after the buffered ones, so a
    /// socket reads straight into the framer with no copy; `read` returns how many bytes
    /// it stored (0 or less: none).
    @discardableResult
    public mutating func appendReading<E: Error>(
        maximum: Int, _ read: (UnsafeMutableRawBufferPointer) throws(E) -> Int
    ) throws(E) -> Int {
        makeRoom(maximum)
        let at = end
        // (Array's closure rethrows untyped errors: the typed one travels in a Result.)
        let stored = try buffer.withUnsafeMutableBytes { bytes in
            Result { () throws(E) -> Int in try read(UnsafeMutableRawBufferPointer(rebasing: bytes[at..<at + maximum])) }
        }.get()
        guard stored > 0 else { return 0 }
        end += min(stored, maximum)
        return stored
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
        if buffer.count < end + count {
            buffer.append(contentsOf: repeatElement(0, count: end + count - buffer.count))
        }
    }
}
