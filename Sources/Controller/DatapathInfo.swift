import OpenFlow

/// What the registry knows about one connected switch: its FEATURES_REPLY, with the
/// ports kept current by PORT_STATUS.
public struct DatapathInfo: Hashable, Sendable {
    public var id: DatapathID
    /// The connection the switch currently uses.
    public var connection: ConnectionID
    /// `n_buffers`: 0 means every packet_in carries the whole packet and no buffer id
    /// (Open vSwitch advertises 0).
    public var bufferCount: UInt32
    public var tableCount: UInt8
    public var capabilities: Capabilities
    /// Supported actions, bit `1 << type` per `ActionType`.
    public var actions: UInt32
    public var ports: [PortNumber: PhyPort]

    public init(id: DatapathID, connection: ConnectionID, features: SwitchFeatures) {
        self.id = id
        self.connection = connection
        bufferCount = features.bufferCount
        tableCount = features.tableCount
        capabilities = features.capabilities
        actions = features.actions
        ports = [:]
        for port in features.ports { ports[port.portNumber] = port }
    }

    /// Applies a PORT_STATUS: add and modify replace the port, delete removes it.
    mutating func apply(_ status: PortStatus) {
        if status.reason == .delete {
            ports[status.port.portNumber] = nil
        } else {
            ports[status.port.portNumber] = status.port
        }
    }
}
