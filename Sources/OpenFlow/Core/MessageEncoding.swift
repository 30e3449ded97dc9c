import Wire

extension Message {
    /// Bytes after the header.
    var bodyLength: Int {
        switch self {
        case .featuresRequest, .getConfigRequest, .barrierRequest, .barrierReply: 0
        case .hello(let m): m.bodyLength
        case .error(let m): m.bodyLength
        case .echoRequest(let m), .echoReply(let m): m.bodyLength
        case .vendor(let m): m.bodyLength
        case .featuresReply(let m): m.bodyLength
        case .getConfigReply(let m), .setConfig(let m): m.bodyLength
        case .packetIn(let m): m.bodyLength
        case .flowRemoved(let m): m.bodyLength
        case .portStatus(let m): m.bodyLength
        case .packetOut(let m): m.bodyLength
        case .flowMod(let m): m.bodyLength
        case .portMod(let m): m.bodyLength
        case .statsRequest(let m): m.bodyLength
        case .statsReply(let m): m.bodyLength
        case .queueGetConfigRequest(let m): m.bodyLength
        case .queueGetConfigReply(let m): m.bodyLength
        }
    }

    func encodeBody(into writer: inout ByteWriter) throws(WireError) {
        switch self {
        case .featuresRequest, .getConfigRequest, .barrierRequest, .barrierReply: return
        case .hello(let m): try m.encodeBody(into: &writer)
        case .error(let m): try m.encodeBody(into: &writer)
        case .echoRequest(let m), .echoReply(let m): try m.encodeBody(into: &writer)
        case .vendor(let m): try m.encodeBody(into: &writer)
        case .featuresReply(let m): try m.encodeBody(into: &writer)
        case .getConfigReply(let m), .setConfig(let m): try m.encodeBody(into: &writer)
        case .packetIn(let m): try m.encodeBody(into: &writer)
        case .flowRemoved(let m): try m.encodeBody(into: &writer)
        case .portStatus(let m): try m.encodeBody(into: &writer)
        case .packetOut(let m): try m.encodeBody(into: &writer)
        case .flowMod(let m): try m.encodeBody(into: &writer)
        case .portMod(let m): try m.encodeBody(into: &writer)
        case .statsRequest(let m): try m.encodeBody(into: &writer)
        case .statsReply(let m): try m.encodeBody(into: &writer)
        case .queueGetConfigRequest(let m): try m.encodeBody(into: &writer)
        case .queueGetConfigReply(let m): try m.encodeBody(into: &writer)
        }
    }
}

extension OpenFlowMessage {
    /// The largest message the 16-bit length field can describe.
    public static let maximumLength = Int(UInt16.max)

    /// Bytes on the wire, header included.
    public var wireLength: Int { Header.length + message.bodyLength }

    /// Writes the whole message at the writer's position. Throws `bufferTooSmall` when
    /// it does not fit (the writer is then left where it was), and `messageTooLong` when
    /// the message is longer than 65535 bytes and must be split (stats replies: REPLY_MORE).
    public func encode(into writer: inout ByteWriter) throws(OpenFlowError) {
        let length = wireLength
        guard length <= Self.maximumLength else { throw .messageTooLong(type) }
        var scratch = writer
        do throws(WireError) {
            try scratch.reserve(length)
            try Header(version: version, type: type, length: UInt16(length), xid: xid).encode(into: &scratch)
            try message.encodeBody(into: &scratch)
        } catch {
            throw .bufferTooSmall
        }
        writer = scratch
    }

    /// Appends the message to `output`, growing it only when its capacity is short.
    public func append(to output: inout [UInt8]) throws(OpenFlowError) {
        try output.appendWriting(count: wireLength) { (writer: inout ByteWriter) throws(OpenFlowError) in
            try encode(into: &writer)
        }
    }

    /// The message as a new array (allocates; for tests and tools).
    public func encoded() throws(OpenFlowError) -> [UInt8] {
        var bytes: [UInt8] = []
        try append(to: &bytes)
        return bytes
    }
}
