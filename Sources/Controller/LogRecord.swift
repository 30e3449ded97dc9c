/// How much a log record matters; the executable maps it to its logger's levels.
public enum LogLevel: Int, Comparable, Sendable {
    case debug, info, warning, error

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
}

/// One line for the log. The core has no logging dependency: it and its apps queue
/// records, and the executable drains them (`ControllerCore.drainLog`) into swift-log.
public struct LogRecord: Hashable, Sendable {
    public var level: LogLevel
    public var message: String

    public init(_ level: LogLevel, _ message: String) {
        self.level = level
        self.message = message
    }
}
