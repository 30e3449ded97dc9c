import Scheduler
import Wire

extension DHCPClient {
    /// When `tick` next has something to do: a retransmission, T1, T2, lease expiry or
    /// the end of a wait in INIT. Nil when stopped, or while a message waits to be taken.
    public var nextDeadline: Instant? {
        switch state {
        case .stopped: nil
        case .initial: restartAt
        case .selecting, .requesting: retransmitAt
        case .bound: lease.flatMap { $0.isInfinite ? nil : $0.renewAt }
        case .renewing: earliest(retransmitAt, lease?.rebindAt)
        case .rebinding: earliest(retransmitAt, lease?.expiresAt)
        }
    }

    /// Acts on every deadline that has passed.
    public mutating func tick(now: Instant) {
        switch state {
        case .stopped:
            return
        case .initial:
            if let restartAt, now >= restartAt { beginSelecting(now: now) }
        case .selecting:
            if isRetransmissionDue(now) { pending = .discover }
        case .requesting:
            guard isRetransmissionDue(now) else { return }
            if transmissions >= Self.requestAttempts {
                restart(now: now, after: .zero)
            } else {
                pending = .request
            }
        case .bound, .renewing, .rebinding:
            guard let lease, !lease.isInfinite else { return }
            if now >= lease.expiresAt {
                emit(.lost)
                restart(now: now, after: .zero)
            } else if now >= lease.rebindAt, state != .rebinding {
                state = .rebinding
                beginExchange(now: now, xid: random.xid())
            } else if now >= lease.renewAt, state == .bound {
                state = .renewing
                beginExchange(now: now, xid: random.xid())
            } else if state != .bound, isRetransmissionDue(now) {
                pending = .request
            }
        }
    }

    /// Called once the current message has gone out: counts it and sets when to send it
    /// again. DISCOVER and REQUESTING back off 4, 8, 16, 32, 64 s, each +-1 s (RFC 2131
    /// section 4.1); RENEWING and REBINDING wait half the time left to T2 or expiry, at
    /// least 60 s (section 4.4.5).
    mutating func scheduleRetransmission(now: Instant) {
        transmissions &+= 1
        switch state {
        case .selecting, .requesting:
            let base = UInt64(4) << UInt64(min(transmissions &- 1, 4))
            retransmitAt = now + .milliseconds(base &* 1000 &- 1000 &+ random.milliseconds(upTo: 2000))
        case .renewing, .rebinding:
            guard let lease else { return }
            let end = state == .renewing ? lease.rebindAt : lease.expiresAt
            retransmitAt = now + max(.seconds(60), Interval(nanoseconds: (end - now).nanoseconds / 2))
        case .stopped, .initial, .bound:
            retransmitAt = nil
        }
    }

    private mutating func isRetransmissionDue(_ now: Instant) -> Bool {
        guard let retransmitAt, now >= retransmitAt else { return false }
        self.retransmitAt = nil
        return true
    }

    private func earliest(_ a: Instant?, _ b: Instant?) -> Instant? {
        guard let a else { return b }
        guard let b else { return a }
        return min(a, b)
    }
}
