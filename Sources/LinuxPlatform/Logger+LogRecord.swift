import Logging
import Scheduler

extension Logger {
    /// Logs a record a sans-IO core queued (`drainLog`), at the matching level, as if
    /// logged where this is called (that file names the source).
    public func log(_ record: LogRecord, file: String = #fileID, function: String = #function, line: UInt = #line) {
        let level: Logger.Level =
            switch record.level {
            case .debug: .debug
            case .info: .info
            case .warning: .warning
            case .error: .error
            }
        log(level: level, "\(record.message)", file: file, function: function, line: line)
    }
}
