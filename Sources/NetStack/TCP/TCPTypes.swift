import Wire

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
    /// Bytes (or the peer's FIN) are waiting to be read. Sent once until the next `read`.
    case readable(TCPHandle)
    /// Send buffer space opened up after a short write.
    case writable(TCPHandle)
    /// The peer sent FIN: reads return what is left, then 0 with `isReadClosed`.
    case peerClosed(TCPHandle)
    /// The connection is gone (after close, a reset, or a timeout); the handle is dead.
    /// A normal close is reported once both FINs are acknowledged and every received
    /// byte has been read (or the application called `close`).
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

/// One segment the layer wrote for the IP layer to send.
public struct TCPOutgoing: Sendable, Equatable {
    public var source: IPv4Address
    public var destination: IPv4Address
    /// Bytes of the TCP segment (header, options, data) written, checksum filled in.
    public var length: Int
    /// Set DF (path MTU discovery); clear only when a router reported a tiny path MTU.
    public var dontFragment: Bool
    /// For a segment larger than one the path takes, left for the device to cut up
    /// (segmentation offload): the payload bytes of each piece, and the header length
    /// (options included) every piece repeats. Its checksum field then holds only the
    /// pseudo-header sum. 0 for an ordinary segment.
    public var segmentSize: Int
    public var headerLength: Int
    public init(
        source: IPv4Address, destination: IPv4Address, length: Int, dontFragment: Bool = true, segmentSize: Int = 0, headerLength: Int = 0
    ) {
        self.source = source
        self.destination = destination
        self.length = length
        self.dontFragment = dontFragment
        self.segmentSize = segmentSize
        self.headerLength = headerLength
    }
}
