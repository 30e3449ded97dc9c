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

public enum SwitchLogLevel: Int, Hashable, Sendable, Comparable {
    case debug, info, warning, error
    public static func < (a: SwitchLogLevel, b: SwitchLogLevel) -> Bool { a.rawValue < b.rawValue }
}

/// A line for the executable's log.
public struct SwitchLogRecord: Hashable, Sendable {
    public var level: SwitchLogLevel
    public var message: String

    public init(_ level: SwitchLogLevel, _ message: String) {
        self.level = level
        self.message = message
    }
}
