import Wire

/// `ofp_capabilities` bits of FEATURES_REPLY.
public struct Capabilities: OptionSet, Hashable, Sendable {
    public var rawValue: UInt32
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let flowStats = Capabilities(rawValue: 1 << 0)
    public static let tableStats = Capabilities(rawValue: 1 << 1)
    public static let portStats = Capabilities(rawValue: 1 << 2)
    public static let stp = Capabilities(rawValue: 1 << 3)
    public static let reserved = Capabilities(rawValue: 1 << 4)
    public static let ipReassembly = Capabilities(rawValue: 1 << 5)
    public static let queueStats = Capabilities(rawValue: 1 << 6)
    public static let arpMatchIP = Capabilities(rawValue: 1 << 7)
}

/// OFPT_FEATURES_REPLY: who the switch is and what it can do.
public struct SwitchFeatures: Hashable, Sendable, MessageBody {
    public var datapathID: UInt64
    public var bufferCount: UInt32
    public var tableCount: UInt8
    public var capabilities: Capabilities
    /// Bitmap with bit `1 << type` set for each supported `ActionType`.
    public var actions: UInt32
    public var ports: [PhyPort]

    public init(
        datapathID: UInt64, bufferCount: UInt32, tableCount: UInt8,
        capabilities: Capabilities, actions: UInt32, ports: [PhyPort] = []
    ) {
        self.datapathID = datapathID
        self.bufferCount = bufferCount
        self.tableCount = tableCount
        self.capabilities = capabilities
        self.actions = actions
        self.ports = ports
    }

    static func decode(_ reader: inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> SwitchFeatures {
        let datapathID = try reader.u64()
        let buffers = try reader.u32()
        let tables = try reader.u8()
        try reader.skip(3)
        let capabilities = Capabilities(rawValue: try reader.u32())
        let actions = try reader.u32()
        guard reader.remaining % PhyPort.length == 0 else { throw .badLength(.featuresReply) }
        var ports: [PhyPort] = []
        ports.reserveCapacity(reader.remaining / PhyPort.length)
        while !reader.isAtEnd { ports.append(try PhyPort.decode(from: &reader)) }
        return SwitchFeatures(
            datapathID: datapathID, bufferCount: buffers, tableCount: tables,
            capabilities: capabilities, actions: actions, ports: ports)
    }
    @usableFromInline var bodyLength: Int { 24 + ports.count * PhyPort.length }
    func encodeBody(into writer: inout ByteWriter) throws(WireError) {
        try writer.u64(datapathID)
        try writer.u32(bufferCount)
        try writer.u8(tableCount)
        try writer.zeros(3)
        try writer.u32(capabilities.rawValue)
        try writer.u32(actions)
        for port in ports { try port.encode(into: &writer) }
    }
}
