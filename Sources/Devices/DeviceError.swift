/// A device call the system refused: which call, and the system's error number, so a
/// host can print it and the core needs no platform error type.
public struct DeviceError: Error, Equatable, Sendable {
    public enum Operation: Sendable, Equatable {
        case open, configure, read, write, close
    }
    public var operation: Operation
    /// The system's error number (errno on Linux); 0 when there is none.
    public var code: Int32

    public init(_ operation: Operation, code: Int32) {
        self.operation = operation
        self.code = code
    }
}
