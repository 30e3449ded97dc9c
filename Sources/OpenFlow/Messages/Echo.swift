import Wire

/// OFPT_ECHO_REQUEST and OFPT_ECHO_REPLY: an arbitrary payload, echoed back.
public struct Echo: Hashable, Sendable, MessageBody {
    public var payload: ArraySlice<UInt8>
    public init(payload: ArraySlice<UInt8> = []) { self.payload = payload }

    static func decode(_ reader: inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> Echo {
        Echo(payload: reader.rest())
    }
    @usableFromInline var bodyLength: Int { payload.count }
    func encodeBody(into writer: inout ByteWriter) throws(WireError) { try writer.bytes(payload) }
}
