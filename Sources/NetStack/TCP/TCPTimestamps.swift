import Scheduler

/// RFC 7323 timestamps of one connection: the clock this side sends (TSval), the peer's
/// value it echoes (TS.Recent), and the PAWS test against old duplicates.
struct TCPTimestamps {
    /// Both SYNs carried the option, so every segment carries it from then on.
    var enabled = false
    /// Added to the millisecond clock, per 4-tuple (as Linux does), so TSval reveals
    /// neither the uptime nor the clock of other connections.
    var offset: UInt32 = 0
    /// TS.Recent: the peer's TSval that our segments echo.
    private(set) var recent: UInt32 = 0
    /// When TS.Recent was last set: after 24 days idle it may have wrapped (RFC 7323 5.5).
    private(set) var recentAt = Instant.zero
    /// Last.ACK.sent: the acknowledgment number of the latest segment sent (RFC 7323 4.3).
    var lastAckSent = TCPSequenceNumber(0)

    static let staleAfter = Interval.seconds(24 * 24 * 3600)

    /// TSval: the millisecond clock of `now` (RFC 7323 5.4 asks for a tick of 1 ms to 1 s).
    func value(now: Instant) -> UInt32 {
        offset &+ UInt32(truncatingIfNeeded: now.nanoseconds / 1_000_000)
    }

    /// The peer's SYN or SYN-ACK carried `value`: the first TS.Recent.
    mutating func start(peerValue value: UInt32, now: Instant) {
        enabled = true
        recent = value
        recentAt = now
    }

    /// RFC 7323 5.3 R1 (PAWS): a TSval older than TS.Recent marks an old duplicate,
    /// unless TS.Recent has gone stale.
    func isOld(_ value: UInt32, now: Instant) -> Bool {
        Int32(bitPattern: value &- recent) < 0 && now - recentAt < Self.staleAfter
    }

    /// How many milliseconds `value` lies behind TS.Recent.
    func lag(of value: UInt32) -> UInt64 {
        UInt64(recent &- value)
    }

    /// RFC 7323 4.3 and 5.3 R3: an acceptable segment's TSval becomes TS.Recent when it
    /// is not older and the segment covers Last.ACK.sent, so the echo times the segment
    /// that made us acknowledge (the first after a delayed ACK, the one filling a hole).
    mutating func noteArrival(_ value: UInt32, sequence: TCPSequenceNumber, now: Instant) {
        guard !(lastAckSent < sequence), !isOld(value, now: now) else { return }
        recent = value
        recentAt = now
    }

    /// The round trip a TSecr measures (RFC 7323 4.1): it dates the very segment that
    /// was acknowledged, retransmitted or not, so Karn's ambiguity does not arise. Nil
    /// for zero (Linux's "no echo") and for a value we cannot have sent yet.
    func roundTrip(echo: UInt32, now: Instant) -> Interval? {
        guard echo != 0 else { return nil }
        let elapsed = Int32(bitPattern: value(now: now) &- echo)
        guard elapsed >= 0 else { return nil }
        return .milliseconds(UInt64(elapsed))
    }
}
