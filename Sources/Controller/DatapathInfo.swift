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
    /// The ports by ascending number (`port(_:)` finds one). An array, not a
    /// dictionary: a switch has few ports, and a `Dictionary` here was the last one in
    /// the controller image, with all its hashing code.
    public private(set) var ports: [PhyPort]

    public init(id: DatapathID, connection: ConnectionID, features: SwitchFeatures) {
        self.id = id
        self.connection = connection
        bufferCount = features.bufferCount
        tableCount = features.tableCount
        capabilities = features.capabilities
        actions = features.actions
        ports = []
        for port in features.ports { set(port) }
    }

    /// The port numbered `number`, if the switch has it.
    public func port(_ number: PortNumber) -> PhyPort? {
        index(of: number).map { ports[$0] }
    }

    /// Applies a PORT_STATUS: add and modify replace the port, delete removes it.
    mutating func apply(_ status: PortStatus) {
        if status.reason == .delete {
            if let at = index(of: status.port.portNumber) { ports.remove(at: at) }
        } else {
            set(status.port)
        }
    }

    /// Adds `port`, or replaces the one with its number.
    private mutating func set(_ port: PhyPort) {
        let at = position(of: port.portNumber)
        if at < ports.count, ports[at].portNumber == port.portNumber { ports[at] = port } else { ports.insert(port, at: at) }
    }

    /// Where the port numbered `number` is, if the switch has it.
    private func index(of number: PortNumber) -> Int? {
        let at = position(of: number)
        return at < ports.count && ports[at].portNumber == number ? at : nil
    }

    /// Where a port numbered `number` is or would go: the first with a number not below it.
    private func position(of number: PortNumber) -> Int {
        var low = 0, high = ports.count
        while low < high {
            let middle = (low + high) / 2
            if ports[middle].portNumber.rawValue < number.rawValue { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
