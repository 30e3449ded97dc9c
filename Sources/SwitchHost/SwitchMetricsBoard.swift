import OpenFlow
import Switch
import Synchronization

/// What `ofswitch --metrics` exports, copied out of the loop's state: per-port
/// counters, the flow table, buffers, the controller connections and the datapath's
/// drop counters. Plain values, so another thread can read them.
public struct SwitchMetricsSnapshot: Sendable {
    public struct Port: Sendable {
        public var number: UInt16
        public var name: String
        public var stats: PortStats
    }

    public var ports: [Port] = []
    public var flows = 0
    public var flowCapacity = 0
    public var lookups: UInt64 = 0
    public var matched: UInt64 = 0
    public var buffersInUse = 0
    public var bufferCapacity = 0
    public var controllersConfigured = 0
    public var controllersUp = 0
    public var connections = 0
    public var datapath = DatapathCounters()
    public var agent = AgentCounters()

    public init() {}

    init(_ agent: SwitchAgent) {
        let datapath = agent.datapath
        ports = datapath.ports.map { Port(number: $0.number.rawValue, name: $0.description.name, stats: $0.stats) }
        flows = datapath.flowCount
        flowCapacity = datapath.settings.tableCapacity
        if let table = datapath.tableStats.first {
            lookups = table.lookupCount
            matched = table.matchedCount
        }
        buffersInUse = datapath.bufferedCount
        bufferCapacity = datapath.settings.bufferCount
        controllersConfigured = agent.settings.controllers.count
        controllersUp = agent.counters.controllersUp
        connections = agent.counters.connections
        self.datapath = datapath.counters
        self.agent = agent.counters
    }
}

/// The latest snapshot, published by the switch loop a few times a second and read by
/// the metrics server's threads.
public final class SwitchMetricsBoard: Sendable {
    private let latest = Mutex(SwitchMetricsSnapshot())

    public init() {}

    func publish(_ snapshot: sending SwitchMetricsSnapshot) {
        latest.withLock { $0 = snapshot }
    }

    public var snapshot: SwitchMetricsSnapshot { latest.withLock { $0 } }
}
