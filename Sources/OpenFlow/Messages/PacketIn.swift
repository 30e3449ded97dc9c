import Wire

/// `ofp_packet_in_reason`.
public struct PacketInReason: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let noMatch = PacketInReason(rawValue: 0)
    public static let action = PacketInReason(rawValue: 1)
}

/// OFPT_PACKET_IN: a frame (or its first bytes) sent to the controller. `data` is a
/// slice of the received message: decoding copies no packet bytes.
public struct PacketIn: Hashable, Sendable, MessageBody {
    public var bufferID: UInt32
    /// Length of the whole frame, which `data` may be a prefix of.
    public var totalLength: UInt16
    public var inPort: PortNumber
    public var reason: PacketInReason
    public var data: ArraySlice<UInt8>

    @inlinable
    public init(bufferID: UInt32, totalLength: UInt16, inPort: PortNumber, reason: PacketInReason, data: ArraySlice<UInt8>) {
        self.bufferID = bufferID
        self.totalLength = totalLength
        self.inPort = inPort
        self.reason = reason
        self.data = data
    }

    /// Buffer id, total length, in port, reason and a pad byte; the frame follows.
    @inlinable static var fixedLength: Int { 10 }

    static func decode(_ reader: inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> PacketIn {
        let packetIn = try decode(reader.bytes, at: reader.index)
        try reader.skip(reader.remaining)
        return packetIn
    }

    /// The body that starts at index `start` of `bytes` and runs to its end: one length
    /// check, then loads at fixed offsets. `data` is `bytes` narrowed to the frame, so a
    /// caller that hands over its slice (`OpenFlowMessage.decode` does) passes its
    /// reference on instead of taking another. That is the hot path of a controller.
    @inlinable @inline(__always)
    static func decode(_ bytes: consuming ArraySlice<UInt8>, at start: Int) throws(OpenFlowError) -> PacketIn {
        guard start >= bytes.startIndex, bytes.endIndex &- start >= fixedLength else {
            throw .badLength(MessageType(rawValue: 10))  // .packetIn
        }
        let offset = start &- bytes.startIndex
        let (bufferID, totalLength, inPort, reason) = bytes.withUnsafeBytes { raw in
            (raw.be32(offset), raw.be16(offset + 4), raw.be16(offset + 6), raw[offset + 8])
        }
        bytes = bytes[(start + fixedLength)...]
        return PacketIn(
            bufferID: bufferID, totalLength: totalLength, inPort: PortNumber(inPort),
            reason: PacketInReason(rawValue: reason), data: bytes)
    }

    @usableFromInline var bodyLength: Int { Self.fixedLength + data.count }
    func encodeBody(into writer: inout ByteWriter) throws(WireError) {
        try writer.reserve(Self.fixedLength)
        writer.uncheckedU32(bufferID)
        writer.uncheckedU16(totalLength)
        writer.uncheckedU16(inPort.rawValue)
        writer.uncheckedU8(reason.rawValue)
        writer.uncheckedU8(0)
        try writer.bytes(data)
    }
}
