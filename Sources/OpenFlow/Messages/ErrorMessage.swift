import Wire

/// OFPT_ERROR: a type and code, and data (for most codes, at least the first 64 bytes
/// of the request that failed; for HELLO_FAILED, an ASCII explanation).
public struct ErrorMessage: Hashable, Sendable, MessageBody {
    public var code: ErrorCode
    public var data: ArraySlice<UInt8>

    public init(code: ErrorCode, data: ArraySlice<UInt8> = []) {
        self.code = code
        self.data = data
    }

    /// The error answering `request`: its first 64 bytes, as the spec asks.
    public init(code: ErrorCode, answering request: ArraySlice<UInt8>) {
        self.init(code: code, data: request.prefix(64))
    }

    static func decode(_ reader: inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> ErrorMessage {
        let type = ErrorType(rawValue: try reader.u16())
        let code = try reader.u16()
        return ErrorMessage(code: ErrorCode(type: type, code: code), data: reader.rest())
    }
    @usableFromInline var bodyLength: Int { 4 + data.count }
    func encodeBody(into writer: inout ByteWriter) throws(WireError) {
        try writer.u16(code.type.rawValue)
        try writer.u16(code.code)
        try writer.bytes(data)
    }
}
