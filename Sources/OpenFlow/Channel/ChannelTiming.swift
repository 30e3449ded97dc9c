import Scheduler

/// How long an OpenFlow channel waits, the same for the controller and the switch.
public struct ChannelTiming: Sendable {
    /// From opening until the handshake is complete.
    public var handshakeTimeout: Interval
    /// Silence after which an ECHO_REQUEST probes the peer.
    public var echoInterval: Interval
    /// Silence after which the peer is given up.
    public var echoTimeout: Interval

    public init(handshakeTimeout: Interval, echoInterval: Interval, echoTimeout: Interval) {
        self.handshakeTimeout = handshakeTimeout
        self.echoInterval = echoInterval
        self.echoTimeout = echoTimeout
    }
}
