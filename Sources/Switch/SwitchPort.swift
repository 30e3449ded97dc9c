import OpenFlow

/// A datapath port as the flow table and the agent see it: its OpenFlow description,
/// which PORT_MOD changes and FEATURES_REPLY and PORT_STATUS report, its counters
/// (OFPST_PORT) and its queues (ENQUEUE, OFPST_QUEUE, QUEUE_GET_CONFIG).
public struct SwitchPort: Hashable, Sendable {
    public var description: PhyPort
    /// Counted by the datapath: rx/tx packets and bytes, drops. A port backend adds
    /// what only it can see (`Datapath.notePortErrors`).
    public var stats: PortStats
    public var queues: [PortQueue]

    public init(description: PhyPort, queues: [PortQueue] = []) {
        self.description = description
        self.stats = PortStats(portNumber: description.portNumber)
        self.queues = queues
    }

    public var number: PortNumber { description.portNumber }

    func queueIndex(_ queueID: UInt32) -> Int? {
        queues.firstIndex { $0.queueID == queueID }
    }
}

/// A queue on a port: what ENQUEUE selects. The datapath tags transmissions with the
/// queue and counts them; shaping to `minRate` is the port backend's business.
public struct PortQueue: Hashable, Sendable {
    public var queueID: UInt32
    /// OFPQT_MIN_RATE in tenths of a percent of the port's rate; nil reports no property.
    public var minRate: UInt16?
    public var txPackets: UInt64 = 0
    public var txBytes: UInt64 = 0
    public var txErrors: UInt64 = 0

    public init(queueID: UInt32, minRate: UInt16? = nil) {
        self.queueID = queueID
        self.minRate = minRate
    }
}
