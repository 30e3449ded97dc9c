/// What one read from a non-blocking stream gave.
public enum StreamRead: Hashable, Sendable {
    /// This many bytes (never 0) were stored.
    case bytes(Int)
    /// Nothing to read now; wait for readiness.
    case wouldBlock
    /// The peer closed its side: no more bytes will come.
    case closed
}

/// A reliable, ordered, non-blocking byte stream: a kernel TCP socket, a connection of
/// our own TCP/IP stack, or an in-memory pair in a test. The appliance loops (the
/// controller's and the switch's) are generic over it, so the same loop runs over any.
///
/// Readiness is level-triggered and reported by the loop's platform under the token
/// given to `watch`: a stream watched for reading is reported while it has bytes (or
/// its end) to give, one watched for writing while it has room.
public protocol ByteStream: AnyObject {
    /// One read into `buffer`, which must not be empty. A reset stream throws.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(StreamError) -> StreamRead
    /// Takes as much of `bytes` as fits now: a partial count, or 0 when full. A stream
    /// whose peer went away throws.
    func write(from bytes: UnsafeRawBufferPointer) throws(StreamError) -> Int
    /// Asks the platform to report this stream under `token` when it is readable and/or
    /// writable (first call) or changes what is watched (later calls).
    func watch(token: UInt64, readable: Bool, writable: Bool) throws(StreamError)
    /// Stops the reports and closes the stream; safe to call twice.
    func close()
    /// True while an active open is under way: watch for writability, which (or a
    /// failure) ends it, then call `finishConnect`.
    var isConnecting: Bool { get }
    /// Who is at the other end ("10.0.0.5:51234"), for logs; nil when unknown.
    var peerName: String? { get }
    /// Throws why the open failed (refused, unreachable, timed out); returns once it is up.
    func finishConnect() throws(StreamError)
    /// True while bytes wait inside the stream itself, where the platform's readiness
    /// cannot see them (a TLS stream's read-ahead): the loop reads such a stream again
    /// after its turn instead of waiting for a readiness that will not come.
    var hasBufferedInput: Bool { get }
}

extension ByteStream {
    /// Streams that are handed out connected (accepted ones, in-memory pairs).
    public var isConnecting: Bool { false }
    public var peerName: String? { nil }
    public func finishConnect() throws(StreamError) {}
    /// Streams whose every byte sits where readiness sees it (sockets, NetStack).
    public var hasBufferedInput: Bool { false }
}

/// A listening endpoint that hands out streams.
public protocol StreamListener: AnyObject {
    associatedtype Stream: ByteStream
    /// Asks the platform to report the listener under `token` while a connection waits.
    func watch(token: UInt64) throws(StreamError)
    /// Stops the reports without closing (for a pause when out of resources).
    func unwatch()
    /// One waiting connection, or nil when none is.
    func accept() throws(StreamError) -> Stream?
    /// The port it listens on.
    var port: UInt16 { get }
    func close()
}

/// A stream or listener call the system refused: which call and the system's error
/// number, with a description from the platform for the log.
public struct StreamError: Error, Equatable, Sendable {
    public enum Operation: Sendable, Equatable {
        case listen, accept, read, write, watch, connect
        /// A security handshake (TLS) that failed: a refused peer, worth a warning.
        case handshake
    }
    public var operation: Operation
    /// The system's error number (errno on Linux; ours in the unikernel).
    public var code: Int32
    /// A readable reason ("read: Connection reset by peer (104)").
    public var description: String

    /// Out of descriptors or memory: accepting again later may work.
    public var isResourceExhaustion: Bool

    public init(_ operation: Operation, code: Int32, description: String, isResourceExhaustion: Bool = false) {
        self.operation = operation
        self.code = code
        self.description = description
        self.isResourceExhaustion = isResourceExhaustion
    }
}
