/// Totals and gauges of the agent, for the executable's status line.
public struct AgentCounters: Hashable, Sendable {
    /// Open connections, and active ones past HELLO.
    public var connections = 0
    public var controllersUp = 0
    public var messagesReceived: UInt64 = 0
    public var flowMods: UInt64 = 0
    public var packetOuts: UInt64 = 0
    public var errorsSent: UInt64 = 0
    public var errorsReceived: UInt64 = 0
    /// Messages not queued because a connection's output was at its limit.
    public var outputDrops: UInt64 = 0
    public var logRecordsDropped: UInt64 = 0

    public init() {}
}
