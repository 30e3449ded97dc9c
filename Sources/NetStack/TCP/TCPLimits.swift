import Scheduler

/// Sizes, limits and protocol constants. Every buffer is allocated when a slot is first
/// used and reused after.
public struct TCPLimits: Sendable {
    public var maxConnections = 1024
    public var sendBuffer = 256 * 1024
    public var receiveBuffer = 256 * 1024
    /// Half-open plus not-yet-accepted connections a listener holds.
    public var synBacklog = 128
    /// With a full backlog, answer SYNs with SYN cookies (`TCPSynCookie`); off, a
    /// half-open entry is evicted for each new SYN instead.
    public var synCookies = true
    public var mss: Int = 1460

    /// Maximum segment lifetime; TIME_WAIT lasts twice this.
    public var msl: Interval = .seconds(30)
    /// How long a connection the application closed waits in FIN_WAIT_2 for the peer's
    /// FIN (Linux's tcp_fin_timeout), so a peer that never closes cannot hold a slot.
    public var finWait2Timeout: Interval = .seconds(60)
    /// RFC 6298 bounds.
    public var initialRTO: Interval = .seconds(1)
    public var minimumRTO: Interval = .milliseconds(200)
    public var maximumRTO: Interval = .seconds(60)
    /// Retransmissions of one segment before the connection gives up (`.timedOut`).
    public var maxRetransmissions = 12
    /// Retransmissions of a SYN or SYN-ACK before giving up.
    public var maxSynRetransmissions = 6
    /// RFC 6928 initial congestion window, in segments.
    public var initialWindowSegments = 10
    /// How long an ACK for a lone segment may wait (RFC 1122 allows up to 500 ms).
    public var delayedAck: Interval = .milliseconds(40)
    /// Turns Nagle's algorithm off for new connections.
    public var noDelay = false
    /// Idle time before keepalive probes start; nil turns keepalive off.
    public var keepAliveIdle: Interval? = nil
    public var keepAliveInterval: Interval = .seconds(75)
    public var keepAliveProbes = 9
    /// Offer SACK (RFC 2018): with a peer that agrees, ACKs list the out-of-order ranges.
    public var selectiveAck = true
    /// Offer RFC 7323 timestamps: with a peer that agrees, every segment carries them for
    /// round-trip timing and PAWS, at 12 bytes of each segment.
    public var timestamps = true
    /// Out-of-order byte ranges kept per connection; more are dropped.
    public var outOfOrderRanges = 16
    /// RFC 5961 challenge ACKs per second, for the whole layer.
    public var challengeAcksPerSecond = 1000
    /// Least time between two ACKs a connection sends for data-less segments outside
    /// its window (or PAWS-old): two stacks whose views of the sequence space went apart
    /// would otherwise answer each other's ACKs for ever (an ACK storm). Linux's
    /// tcp_invalid_ratelimit.
    public var outOfWindowAckInterval: Interval = .milliseconds(500)
    /// Resets and ACKs for segments that have no connection, waiting to be sent.
    public var pendingResets = 64

    public init() {}

    /// The RFC 7323 shift that lets the whole receive buffer be advertised.
    var windowScale: UInt8 {
        var shift: UInt8 = 0
        while shift < 14, (65535 << Int(shift)) < receiveBuffer { shift += 1 }
        return shift
    }
}
