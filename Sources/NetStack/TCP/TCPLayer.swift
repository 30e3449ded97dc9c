import Scheduler
import Wire

// CONTRACT STUB: the API the IP layer (NetStack) and the hosts code against. The TCP
// owner replaces the bodies (and may split this file); the signatures stay.

/// A connection, as the application holds it. The generation makes a stale handle
/// (one whose slot was reused) fail instead of touching another connection.
public struct TCPHandle: Hashable, Sendable {
    public var index: UInt32
    public var generation: UInt32
    public init(index: UInt32, generation: UInt32) {
        self.index = index
        self.generation = generation
    }
}

/// A listening port.
public struct TCPListenerID: Hashable, Sendable {
    public var port: UInt16
    public init(port: UInt16) { self.port = port }
}

/// The RFC 9293 states.
public enum TCPState: Sendable, Equatable {
    case closed, listen, synSent, synReceived, established, finWait1, finWait2
    case closeWait, closing, lastAck, timeWait
}

/// What the application is told, in order.
public enum TCPEvent: Sendable, Equatable {
    /// A connection on this listener completed its handshake: `accept` returns it.
    case acceptable(TCPListenerID)
    /// An active open completed.
    case connected(TCPHandle)
    /// Bytes (or the peer's FIN) are waiting to be read.
    case readable(TCPHandle)
    /// Send buffer space opened up after a short write.
    case writable(TCPHandle)
    /// The peer sent FIN: reads return what is left, then 0 with `isReadClosed`.
    case peerClosed(TCPHandle)
    /// The connection is gone (after close, a reset, or a timeout); the handle is dead.
    case closed(TCPHandle, TCPCloseReason)
}

public enum TCPCloseReason: Sendable, Equatable {
    case normal, reset, timedOut, refused, unreachable, aborted
}

public enum TCPError: Error, Sendable, Equatable {
    case invalidHandle
    case portInUse
    case noFreePort
    case connectionLimit
    case notConnected
    case closedForWriting
}

/// Sizes and limits; every buffer is allocated when a slot is first used and reused after.
public struct TCPLimits: Sendable {
    public var maxConnections = 1024
    public var sendBuffer = 256 * 1024
    public var receiveBuffer = 256 * 1024
    public var synBacklog = 128
    public var mss: Int = 1460
    public init() {}
}

/// One segment the layer wrote for the IP layer to send.
public struct TCPOutgoing: Sendable, Equatable {
    public var source: IPv4Address
    public var destination: IPv4Address
    /// Bytes of the TCP segment (header, options, data) written, checksum filled in.
    public var length: Int
    public init(source: IPv4Address, destination: IPv4Address, length: Int) {
        self.source = source
        self.destination = destination
        self.length = length
    }
}

/// The whole TCP of one stack: listeners, connections, timers. Sans-IO: segments and
/// `now` in, segments and events out.
public struct TCPLayer {
    public init(limits: TCPLimits = TCPLimits(), seed: UInt64) {}

    // MARK: From the IP layer

    /// A TCP segment addressed to us (IP header already removed; checksum not yet checked).
    public mutating func receive(source: IPv4Address, destination: IPv4Address, segment: ArraySlice<UInt8>, now: Instant) {}

    /// Writes the next segment to send into `buffer` (at least `limits.mss + 60` bytes);
    /// nil when nothing is due.
    public mutating func nextSegment(now: Instant, into buffer: UnsafeMutableRawBufferPointer) -> TCPOutgoing? { nil }

    /// The earliest timer (retransmission, delayed ACK, persist, keepalive, TIME_WAIT).
    public var nextDeadline: Instant? { nil }

    public mutating func tick(now: Instant) {}

    /// ICMP said `destination` cannot be reached (port or host unreachable).
    public mutating func unreachable(source: IPv4Address, destination: IPv4Address, sourcePort: UInt16, destinationPort: UInt16) {}

    // MARK: For the application

    public mutating func listen(port: UInt16) throws(TCPError) -> TCPListenerID { TCPListenerID(port: port) }
    public mutating func stopListening(_ listener: TCPListenerID) {}
    public mutating func accept(_ listener: TCPListenerID) -> TCPHandle? { nil }
    public mutating func connect(from local: IPv4Address, to remote: IPv4Address, port: UInt16, now: Instant) throws(TCPError) -> TCPHandle {
        throw .connectionLimit
    }
    /// Copies as much of `bytes` as the send buffer takes; returns how much.
    public mutating func send(_ handle: TCPHandle, _ bytes: UnsafeRawBufferPointer) throws(TCPError) -> Int { 0 }
    /// Copies received bytes out; 0 when none are waiting (see `isReadClosed`).
    public mutating func read(_ handle: TCPHandle, into buffer: UnsafeMutableRawBufferPointer) throws(TCPError) -> Int { 0 }
    /// True once the peer's FIN has been read past.
    public func isReadClosed(_ handle: TCPHandle) -> Bool { true }
    /// Sends FIN after the buffered data; reads go on.
    public mutating func shutdownWrite(_ handle: TCPHandle) {}
    /// Closes both directions gracefully; the handle stays valid until `.closed`.
    public mutating func close(_ handle: TCPHandle) {}
    /// Sends RST and frees the connection at once.
    public mutating func abort(_ handle: TCPHandle) {}
    public func state(_ handle: TCPHandle) -> TCPState? { nil }
    public mutating func nextEvent() -> TCPEvent? { nil }
}
