import Wire

/// OFPT_PACKET_OUT: send a buffered packet (`bufferID`) or the frame in `data` through
/// `actions`. With a buffer id, `data` is empty.
public struct PacketOut: Hashable, Sendable, MessageBody {
    public var bufferID: UInt32
    /// The port the packet is treated as having arrived on (OFPP_NONE if none).
    public var inPort: PortNumber
    public var actions: [Action]
    public var data: ArraySlice<UInt8>

    public init(bufferID: UInt32 = BufferID.none, inPort: PortNumber = .none, actions: [Action], data: ArraySlice<UInt8> = []) {
        self.bufferID = bufferID
        self.inPort = inPort
        self.actions = actions
        self.data = data
    }

    static func decode(_ reader: inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> PacketOut {
        let bufferID = try reader.u32()
        let inPort = PortNumber(try reader.u16())
        let actionsLength = try reader.u16()
        let actions = try ActionList.decode(try reader.bytes(Int(actionsLength)))
        return PacketOut(bufferID: bufferID, inPort: inPort, actions: actions, data: reader.rest())
    }
    @usableFromInline var bodyLength: Int { 8 + ActionList.wireLength(actions) + data.count }
    func encodeBody(into writer: inout ByteWriter) throws(WireError) {
        try writer.u32(bufferID)
        try writer.u16(inPort.rawValue)
        try writer.u16(UInt16(truncatingIfNeeded: ActionList.wireLength(actions)))
        try ActionList.encode(actions, into: &writer)
        try writer.bytes(data)
    }
}
