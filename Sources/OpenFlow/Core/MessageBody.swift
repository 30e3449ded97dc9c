import Wire

/// What every message body type provides to the codec: decode from the bytes after
/// the header, its encoded size, and encode into a writer positioned after the header.
protocol MessageBody {
    static func decode(_ reader: inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> Self
    var bodyLength: Int { get }
    func encodeBody(into writer: inout ByteWriter) throws(WireError)
}
