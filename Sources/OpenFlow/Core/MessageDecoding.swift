import Wire

extension OpenFlowMessage {
    /// Decodes one whole message, as `Framer.next()` hands it out.
    ///
    /// Checks, in order: the header length against the bytes; the version (any version
    /// is accepted on HELLO, since that is how versions are negotiated); the type; then
    /// the body's structure. Variable-length payloads are slices of `bytes`.
    ///
    /// `bytes` is consumed: PACKET_IN (the message a controller sees most) is decoded
    /// straight from it, with no reader in between, and its `data` takes over the
    /// reference, so a caller that hands over its slice (`decode(framer.next()!)`) pays
    /// no reference counting here. The other types go through `decodeBody(_:_:)`.
    /// (Literals stand for `Header.length`, `Header.version` and the types below: inlined
    /// into another module, each of those would be a call to a global's accessor.)
    @inlinable
    public static func decode(_ bytes: consuming ArraySlice<UInt8>) throws(OpenFlowError) -> OpenFlowMessage {
        guard bytes.count >= 8 else { throw .badHeaderLength(UInt16(truncatingIfNeeded: bytes.count)) }
        let header = Header(peeking: bytes)
        guard header.length >= 8 else { throw .badHeaderLength(header.length) }
        guard Int(header.length) == bytes.count else { throw .badLength(header.type) }
        guard header.version == 0x01 || header.type.rawValue == 0 else { throw .badVersion(header.version) }  // HELLO
        if header.type.rawValue == 10 {  // PACKET_IN: straight from `bytes`, no reader in between
            let start = bytes.startIndex &+ 8
            let packetIn = try PacketIn.decode(bytes, at: start)
            return OpenFlowMessage(version: header.version, xid: header.xid, .packetIn(packetIn))
        }
        return try decodeBody(header, bytes)
    }

    /// Every type but PACKET_IN, through a reader over the body (which takes over the
    /// reference to the bytes).
    @usableFromInline
    static func decodeBody(_ header: Header, _ bytes: consuming ArraySlice<UInt8>) throws(OpenFlowError) -> OpenFlowMessage {
        bytes = bytes.dropFirst(Header.length)
        var reader = ByteReader(bytes, truncated: OpenFlowError.badLength(header.type))
        let message = try decodeBody(header.type, &reader)
        guard reader.isAtEnd else { throw .badLength(header.type) }
        return OpenFlowMessage(version: header.version, xid: header.xid, message)
    }

    private static func decodeBody(_ type: MessageType, _ r: inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> Message {
        switch type {
        case .hello: return .hello(try .decode(&r))
        case .error: return .error(try .decode(&r))
        case .echoRequest: return .echoRequest(try .decode(&r))
        case .echoReply: return .echoReply(try .decode(&r))
        case .vendor: return .vendor(try .decode(&r))
        case .featuresRequest: return .featuresRequest
        case .featuresReply: return .featuresReply(try .decode(&r))
        case .getConfigRequest: return .getConfigRequest
        case .getConfigReply: return .getConfigReply(try .decode(&r))
        case .setConfig: return .setConfig(try .decode(&r))
        case .packetIn: return .packetIn(try .decode(&r))
        case .flowRemoved: return .flowRemoved(try .decode(&r))
        case .portStatus: return .portStatus(try .decode(&r))
        case .packetOut: return .packetOut(try .decode(&r))
        case .flowMod: return .flowMod(try .decode(&r))
        case .portMod: return .portMod(try .decode(&r))
        case .statsRequest: return .statsRequest(try .decode(&r))
        case .statsReply: return .statsReply(try .decode(&r))
        case .barrierRequest: return .barrierRequest
        case .barrierReply: return .barrierReply
        case .queueGetConfigRequest: return .queueGetConfigRequest(try .decode(&r))
        case .queueGetConfigReply: return .queueGetConfigReply(try .decode(&r))
        default: throw .badType(type)
        }
    }
}
