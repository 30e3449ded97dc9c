import Wire

/// `ofp_port_reason`.
public struct PortReason: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let add = PortReason(rawValue: 0)
    public static let delete = PortReason(rawValue: 1)
    public static let modify = PortReason(rawValue: 2)
}

/// OFPT_PORT_STATUS: a port was added, removed or changed.
public struct PortStatus: Hashable, Sendable, MessageBody {
    public var reason: PortReason
    public var port: PhyPort

    public init(reason: PortReason, port: PhyPort) {
        self.reason = reason
        self.port = port
    }

    static func decode(_ reader: inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> PortStatus {
        let reason = PortReason(rawValue: try reader.u8())
        try reader.skip(7)
        return PortStatus(reason: reason, port: try PhyPort.decode(from: &reader))
    }
    @usableFromInline var bodyLength: Int { 8 + PhyPort.length }
    func encodeBody(into writer: inout ByteWriter) throws(WireError) {
        try writer.u8(reason.rawValue)
        try writer.zeros(7)
        try port.encode(into: &writer)
    }
}
