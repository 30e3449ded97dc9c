/// How much a log record matters; the executable maps it to its logger's levels.
public enum LogLevel: Int, Comparable, Sendable {
    case debug, info, warning, error

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
}

/// One line for the log. The sans-IO cores have no logging dependency: they (and the
/// controller's apps) queue records, and the executable drains them
/// (`ControllerCore.drainLog`, `SwitchAgent.drainLog`) into swift-log.
public struct LogRecord: Hashable, Sendable {
    public var level: LogLevel
    public var message: String

    public init(_ level: LogLevel, _ message: String) {
        self.level = level
        self.message = message
    }
}
