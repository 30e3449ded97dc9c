import Scheduler

/// Timers: retransmission (RFC 6298), persist, delayed ACK, keepalive, TIME_WAIT and
/// the orphaned FIN_WAIT_2 timeout.
/// `refreshTimers` arms and disarms them from the state after every change, so the
/// rules live in one place; `fireTimers` handles those that are due.
extension TCPConnection {
    /// The earliest of the connection's deadlines.
    var deadline: Instant? {
        earlier(earlier(closeDeadline, retransmitDeadline), earlier(earlier(persistDeadline, delayedAckDeadline), keepAliveDeadline))
    }

    private func earlier(_ a: Instant?, _ b: Instant?) -> Instant? {
        guard let a else { return b }
        guard let b else { return a }
        return a < b ? a : b
    }

    mutating func refreshTimers(now: Instant, limits: TCPLimits) {
        guard state != .closed, state != .timeWait, state != .listen else { return }
        if state == .finWait2, appClosed, closeDeadline == nil {
            closeDeadline = now + limits.finWait2Timeout
        }
        // RFC 6298 5.1 and 5.2: running while anything is unacknowledged.
        if sendMax == sendUnacknowledged {
            retransmitDeadline = nil
        } else if retransmitDeadline == nil {
            retransmitDeadline = now + retransmitTimer.rto
        }
        // Persist: data waits, nothing is in flight, so only the peer's window holds it.
        if sendsData, send.end - sendNext > 0, sendMax == sendUnacknowledged {
            if persistDeadline == nil {
                let backoff = UInt64(1) << UInt64(Swift.min(persistBackoff, 16))
                let interval = Swift.min(Interval(nanoseconds: retransmitTimer.rto.nanoseconds &* backoff), limits.maximumRTO)
                persistDeadline = now + interval
            }
        } else {
            persistDeadline = nil
        }
        let idleAllowed = state == .established || state == .closeWait || state == .finWait2
        if keepAliveIdle == nil || !idleAllowed || sendMax != sendUnacknowledged {
            keepAliveDeadline = nil
        } else if keepAliveDeadline == nil, let idle = keepAliveIdle {
            keepAliveDeadline = now + idle
        }
    }

    mutating func fireTimers(now: Instant, limits: TCPLimits, effects: inout TCPEffects) {
        if let due = closeDeadline, !(now < due) {
            enterClosed(state == .timeWait ? .normal : .timedOut)
            return
        }
        if let due = retransmitDeadline, !(now < due) {
            retransmitDeadline = nil
            retransmissionTimeout(limits: limits, effects: &effects)
            if state == .closed { return }
        }
        if let due = persistDeadline, !(now < due) {
            persistDeadline = nil
            unansweredProbes &+= 1
            if unansweredProbes > limits.maxRetransmissions {
                effects.counters.timeouts &+= 1
                enterClosed(.timedOut)
                return
            }
            persistBackoff &+= 1
            forceSend = true
        }
        if let due = delayedAckDeadline, !(now < due) {
            delayedAckDeadline = nil
            ackNow = true
        }
        if let due = keepAliveDeadline, !(now < due) {
            if keepAlivesSent >= limits.keepAliveProbes {
                effects.counters.timeouts &+= 1
                enterClosed(.timedOut)
                return
            }
            keepAlivesSent &+= 1
            probe = true
            keepAliveDeadline = now + Swift.max(limits.keepAliveInterval, .milliseconds(1))
        }
    }

    /// RFC 6298 5.4 to 5.7 and RFC 5681 eq. 4: back off, shrink the congestion window to
    /// one segment and resend from the first unacknowledged byte (go-back-N), leaving
    /// any loss recovery.
    private mutating func retransmissionTimeout(limits: TCPLimits, effects: inout TCPEffects) {
        effects.counters.timeouts &+= 1
        retransmissions &+= 1
        let handshaking = state == .synSent || state == .synReceived
        if retransmissions > (handshaking ? limits.maxSynRetransmissions : limits.maxRetransmissions) {
            enterClosed(.timedOut)
            return
        }
        retransmitTimer.backOff()
        if !handshaking { congestion.timedOut(inFlight: sendMax - sendUnacknowledged, sendMax: sendMax) }
        sendNext = sendUnacknowledged
        timedSequence = nil
        retransmitFirst = false
        // RFC 6675 5.1: after a timeout the scoreboard is rebuilt from later ACKs.
        scoreboard.removeAll()
    }
}
