import Wire

extension Message {
    /// Bytes after the header. Inlinable, so that a caller asking the length of a message
    /// it has just built (`.flowMod(flowMod)`) goes straight to that body's length.
    @inlinable
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

    /// Header and body at the writer's position, switching on the type once: each case
    /// works out its own length, checks the room for the whole message, then writes.
    @usableFromInline
    func encode(version: UInt8, xid: UInt32, into writer: inout ByteWriter) throws(OpenFlowError) {
        let v = version
        switch self {
        case .featuresRequest: try Self.encode(.featuresRequest, v, xid, 0, &writer) { _ throws(WireError) in }
        case .getConfigRequest: try Self.encode(.getConfigRequest, v, xid, 0, &writer) { _ throws(WireError) in }
        case .barrierRequest: try Self.encode(.barrierRequest, v, xid, 0, &writer) { _ throws(WireError) in }
        case .barrierReply: try Self.encode(.barrierReply, v, xid, 0, &writer) { _ throws(WireError) in }
        case .hello(let m):
            try Self.encode(.hello, v, xid, m.bodyLength, &writer) { w throws(WireError) in try m.encodeBody(into: &w) }
        case .error(let m):
            try Self.encode(.error, v, xid, m.bodyLength, &writer) { w throws(WireError) in try m.encodeBody(into: &w) }
        case .echoRequest(let m):
            try Self.encode(.echoRequest, v, xid, m.bodyLength, &writer) { w throws(WireError) in try m.encodeBody(into: &w) }
        case .echoReply(let m):
            try Self.encode(.echoReply, v, xid, m.bodyLength, &writer) { w throws(WireError) in try m.encodeBody(into: &w) }
        case .vendor(let m):
            try Self.encode(.vendor, v, xid, m.bodyLength, &writer) { w throws(WireError) in try m.encodeBody(into: &w) }
        case .featuresReply(let m):
            try Self.encode(.featuresReply, v, xid, m.bodyLength, &writer) { w throws(WireError) in try m.encodeBody(into: &w) }
        case .getConfigReply(let m):
            try Self.encode(.getConfigReply, v, xid, m.bodyLength, &writer) { w throws(WireError) in try m.encodeBody(into: &w) }
        case .setConfig(let m):
            try Self.encode(.setConfig, v, xid, m.bodyLength, &writer) { w throws(WireError) in try m.encodeBody(into: &w) }
        case .packetIn(let m):
            try Self.encode(.packetIn, v, xid, m.bodyLength, &writer) { w throws(WireError) in try m.encodeBody(into: &w) }
        case .flowRemoved(let m):
            try Self.encode(.flowRemoved, v, xid, m.bodyLength, &writer) { w throws(WireError) in try m.encodeBody(into: &w) }
        case .portStatus(let m):
            try Self.encode(.portStatus, v, xid, m.bodyLength, &writer) { w throws(WireError) in try m.encodeBody(into: &w) }
        case .packetOut(let m):
            try Self.encode(.packetOut, v, xid, m.bodyLength, &writer) { w throws(WireError) in try m.encodeBody(into: &w) }
        case .flowMod(let m):
            try Self.encode(.flowMod, v, xid, m.bodyLength, &writer) { w throws(WireError) in try m.encodeBody(into: &w) }
        case .portMod(let m):
            try Self.encode(.portMod, v, xid, m.bodyLength, &writer) { w throws(WireError) in try m.encodeBody(into: &w) }
        case .statsRequest(let m):
            try Self.encode(.statsRequest, v, xid, m.bodyLength, &writer) { w throws(WireError) in try m.encodeBody(into: &w) }
        case .statsReply(let m):
            try Self.encode(.statsReply, v, xid, m.bodyLength, &writer) { w throws(WireError) in try m.encodeBody(into: &w) }
        case .queueGetConfigRequest(let m):
            try Self.encode(.queueGetConfigRequest, v, xid, m.bodyLength, &writer) { w throws(WireError) in
                try m.encodeBody(into: &w)
            }
        case .queueGetConfigReply(let m):
            try Self.encode(.queueGetConfigReply, v, xid, m.bodyLength, &writer) { w throws(WireError) in
                try m.encodeBody(into: &w)
            }
        }
    }

    /// One message: the whole length is checked against the room left before anything
    /// is written, then the header and each fixed-size part of the body store their
    /// fields without further checks. Inlined into each case above, with `body`.
    @inline(__always)
    fileprivate static func encode(
        _ type: MessageType, _ version: UInt8, _ xid: UInt32, _ bodyLength: Int, _ writer: inout ByteWriter,
        _ body: (inout ByteWriter) throws(WireError) -> Void
    ) throws(OpenFlowError) {
        let length = Header.length + bodyLength
        guard length <= OpenFlowMessage.maximumLength else { throw .messageTooLong(type) }
        var scratch = writer
        do throws(WireError) {
            try scratch.reserve(length)
            Header(version: version, type: type, length: UInt16(truncatingIfNeeded: length), xid: xid)
                .encodeReserved(into: &scratch)
            try body(&scratch)
        } catch {
            throw .bufferTooSmall
        }
        assert(scratch.offset - writer.offset == length, "bodyLength and encodeBody disagree")
        writer = scratch
    }
}

extension OpenFlowMessage {
    /// The largest message the 16-bit length field can describe.
    public static let maximumLength = Int(UInt16.max)

    /// Bytes on the wire, header included.
    @inlinable public var wireLength: Int { 8 + message.bodyLength }

    /// Writes the whole message at the writer's position. Throws `bufferTooSmall` when
    /// it does not fit (the writer is then left where it was, and nothing is written),
    /// and `messageTooLong` when the message is longer than 65535 bytes and must be split
    /// (stats replies: REPLY_MORE).
    @inlinable
    public func encode(into writer: inout ByteWriter) throws(OpenFlowError) {
        try message.encode(version: version, xid: xid, into: &writer)
    }

    /// Appends the message to `output`, growing it only when its capacity is short.
    @inlinable
    public func append(to output: inout [UInt8]) throws(OpenFlowError) {
        let length = wireLength
        guard length <= 65535 else { throw .messageTooLong(type) }  // maximumLength
        try output.appendWriting(count: length) { (writer: inout ByteWriter) throws(OpenFlowError) in
            try message.encode(version: version, xid: xid, into: &writer)
        }
    }

    /// The message as a new array (allocates; for tests and tools).
    public func encoded() throws(OpenFlowError) -> [UInt8] {
        var bytes: [UInt8] = []
        try append(to: &bytes)
        return bytes
    }
}

extension FlowMod {
    /// Bytes on the wire of this FLOW_MOD as a whole message, header included.
    @inlinable public var wireLength: Int { Header.length + bodyLength }

    /// Encodes this FLOW_MOD as a whole OpenFlow 1.0 message with `xid`, exactly as
    /// `OpenFlowMessage(xid: xid, .flowMod(self)).encode(into:)` would, without wrapping
    /// it in a `Message` first: the controller's answer to a packet_in then copies no
    /// enum and retains less. Same errors, and the writer is left unchanged on failure.
    public func encode(xid: UInt32, into writer: inout ByteWriter) throws(OpenFlowError) {
        try Message.encode(.flowMod, Header.version, xid, bodyLength, &writer) { w throws(WireError) in
            try encodeBody(into: &w)
        }
    }
}
