/// Splits an OpenFlow byte stream into messages, under any segmentation.
///
/// Bytes go in as they arrive; `next()` hands out each complete message as a slice of
/// the framer's own buffer, so framing copies nothing and, once the buffer has grown
/// to the connection's working size, allocates nothing. Consumed bytes are reclaimed
/// on the following `append`. Drop each slice before appending again, or that append
/// must copy the buffer to keep the slice valid.
public struct Framer {
    private var buffer: [UInt8] = []
    private var start = 0
    private var broken: OpenFlowError?

    public init(capacity: Int = 1 << 16) {
        buffer.reserveCapacity(capacity)
    }

    /// Bytes received and not yet handed out as a message.
    public var bufferedCount: Int { buffer.count - start }

    /// Once `next()` has thrown `badHeaderLength`: the 8 header bytes that broke the
    /// stream, so the receiver can answer OFPBRC_BAD_LEN with them before it closes.
    public var brokenHeader: ArraySlice<UInt8>? {
        broken == nil ? nil : buffer[start..<start + Header.length]
    }

    public mutating func append(_ bytes: ArraySlice<UInt8>) {
        reclaim()
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        reclaim()
        buffer.append(contentsOf: bytes)
    }

    /// The next whole message, or nil until more bytes arrive. Throws
    /// `badHeaderLength` (stream-fatal, and sticky) when a header declares fewer than
    /// 8 bytes, since no later boundary can then be trusted.
    public mutating func next() throws(OpenFlowError) -> ArraySlice<UInt8>? {
        if let broken { throw broken }
        let available = buffer.count - start
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

    private mutating func reclaim() {
        guard start > 0 else { return }
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
        } else {
            buffer.removeSubrange(0..<start)
        }
        start = 0
    }
}
