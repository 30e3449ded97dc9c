/// Monotonic totals (and two gauges) for the executable's status line; it computes
/// rates from successive readings.
public struct ControllerCounters: Hashable, Sendable {
    /// Open connections, handshaking or up (a gauge).
    public var connections = 0
    /// Datapaths whose handshake completed and that are still connected (a gauge).
    public var switches = 0
    /// Whole OpenFlow messages read from switches, and written to them.
    public var messagesIn: UInt64 = 0
    public var messagesOut: UInt64 = 0
    /// The same by OpenFlow message type (`ofp_type`).
    public var messagesInByType = TypeCounts.messageTypes()
    public var messagesOutByType = TypeCounts.messageTypes()
    public var packetIns: UInt64 = 0
    /// Packet_ins not handed to the apps: their switch's output was backed up or its
    /// handshake not finished (also counted in `drops`).
    public var packetInsDropped: UInt64 = 0
    public var flowMods: UInt64 = 0
    public var packetOuts: UInt64 = 0
    /// OFPT_ERROR messages received from switches.
    public var errorsReceived: UInt64 = 0
    /// OFPT_ERROR messages the core sent in answer to bad input.
    public var errorsSent: UInt64 = 0
    /// The same by error type (`OFPET_*`).
    public var errorsSentByType = TypeCounts.errorTypes()
    /// Work shed to keep memory bounded: packet_ins dropped because their switch's
    /// output was backed up or its handshake was not finished, and sends refused at
    /// the output limit.
    public var drops: UInt64 = 0
    /// Log records dropped because the executable did not drain them in time.
    public var logRecordsDropped: UInt64 = 0

    public init() {}
}
