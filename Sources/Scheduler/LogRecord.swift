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

/// The records a core has queued for the executable, bounded: past `limit` a record is
/// only counted in `dropped`, so a flood of events cannot grow memory without bound.
public struct LogQueue {
    public let limit: Int
    public private(set) var dropped: UInt64 = 0
    private var records: [LogRecord] = []

    public init(limit: Int) {
        self.limit = limit
    }

    public mutating func append(_ level: LogLevel, _ message: String) {
        guard records.count < limit else {
            dropped &+= 1
            return
        }
        records.append(LogRecord(level, message))
    }

    /// Hands every queued record to `body`, oldest first, and forgets them.
    public mutating func drain(_ body: (LogRecord) -> Void) {
        for record in records { body(record) }
        records.removeAll(keepingCapacity: true)
    }
}
