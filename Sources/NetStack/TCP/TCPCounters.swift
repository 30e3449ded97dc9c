/// What the layer did and what it dropped, for status lines and tests.
public struct TCPCounters: Sendable, Equatable {
    public var segmentsReceived = 0
    public var segmentsSent = 0
    /// Dropped: the checksum did not verify.
    public var badChecksum = 0
    /// Dropped: too short, or a header length that does not fit.
    public var malformed = 0
    /// Resets sent (to closed ports, by `abort`, for unacceptable ACKs).
    public var resetsSent = 0
    /// Resets that could not be queued because the queue was full.
    public var resetsDropped = 0
    /// Segments resent after a timeout or in fast retransmit.
    public var retransmissions = 0
    public var timeouts = 0
    public var fastRetransmits = 0
    /// Fast retransmits that began RFC 6675 recovery (SACK agreed), counted in both.
    public var sackRecoveries = 0
    /// RFC 5961 challenge ACKs for in-window RST or SYN.
    public var challengeAcks = 0
    /// Challenge ACKs not sent because the per-second limit was reached.
    public var challengeAcksSuppressed = 0
    /// Segments outside the receive window (answered with an ACK).
    public var outOfWindow = 0
    /// ACKs not sent for data-less out-of-window or PAWS-old segments, within
    /// `outOfWindowAckInterval` of the last one.
    public var outOfWindowAcksSuppressed = 0
    /// SYNs refused because the backlog or the connection table was full.
    public var synDropped = 0
    /// SYN-ACKs sent with a SYN cookie, because the backlog or the table was full.
    public var cookiesSent = 0
    /// ACKs that returned a valid cookie and opened a connection.
    public var cookiesValidated = 0
    /// ACKs checked as cookies (shortly after cookies were sent) that were not ours.
    public var cookiesRejected = 0
    /// Out-of-order segments dropped because the range list was full.
    public var outOfOrderDropped = 0
    /// ICMP errors about our segments that quoted a sequence number not in flight
    /// (RFC 5927), a connection we do not have, or (fragmentation needed) a bogus MTU.
    public var icmpIgnored = 0
    /// Connections whose segments shrank after ICMP fragmentation needed (RFC 1191).
    public var pathMTUDecreases = 0
    /// Segments dropped by PAWS (RFC 7323 5): a timestamp older than the peer's latest.
    public var pawsDrops = 0
    public init() {}
}
