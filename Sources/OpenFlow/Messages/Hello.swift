import Wire

/// OFPT_HELLO. The body must be ignored by 1.0 peers but is kept, so later versions'
/// hello elements survive a round trip.
public struct Hello: Hashable, Sendable, MessageBody {
    public var body: ArraySlice<UInt8>
    public init(body: ArraySlice<UInt8> = []) { self.body = body }

    static func decode(_ reader: inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> Hello {
        Hello(body: reader.rest())
    }
    @usableFromInline var bodyLength: Int { body.count }
    func encodeBody(into writer: inout ByteWriter) throws(WireError) { try writer.bytes(body) }
}
