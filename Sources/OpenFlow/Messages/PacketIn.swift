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

    public init(bufferID: UInt32, totalLength: UInt16, inPort: PortNumber, reason: PacketInReason, data: ArraySlice<UInt8>) {
        self.bufferID = bufferID
        self.totalLength = totalLength
        self.inPort = inPort
        self.reason = reason
        self.data = data
    }

    static func decode(_ reader: inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> PacketIn {
        let bufferID = try reader.u32()
        let totalLength = try reader.u16()
        let inPort = PortNumber(try reader.u16())
        let reason = PacketInReason(rawValue: try reader.u8())
        try reader.skip(1)
        return PacketIn(bufferID: bufferID, totalLength: totalLength, inPort: inPort, reason: reason, data: reader.rest())
    }
    var bodyLength: Int { 10 + data.count }
    func encodeBody(into writer: inout ByteWriter) throws(WireError) {
        try writer.u32(bufferID)
        try writer.u16(totalLength)
        try writer.u16(inPort.rawValue)
        try writer.u8(reason.rawValue)
        try writer.u8(0)
        try writer.bytes(data)
    }
}
