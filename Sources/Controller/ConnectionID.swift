/// Names one switch connection inside the controller core. The I/O layer picks the
/// values (a socket's token, a test's counter); the core only compares them.
public struct ConnectionID: Hashable, Sendable, Comparable {
    public var rawValue: UInt64
    @inlinable public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public static func < (a: ConnectionID, b: ConnectionID) -> Bool { a.rawValue < b.rawValue }
}
