import Scheduler

/// The reconnect schedule of one configured controller, as state: when the agent wants
/// the executable to try connecting. Backoff doubles after each failure or loss, up to
/// a maximum, and resets when a connection completes its handshake.
struct ControllerConnector {
    enum State: Equatable {
        /// Wants a connection attempt at this instant.
        case waiting(until: Instant)
        /// The executable is trying.
        case connecting
        case connected(ChannelID)
    }

    var state = State.waiting(until: .zero)
    var backoff: Interval

    init(initialBackoff: Interval) {
        backoff = initialBackoff
    }

    var wakeup: Instant? {
        if case .waiting(let until) = state { return until }
        return nil
    }

    /// The attempt failed or the connection was lost: retry after the backoff, which
    /// then doubles.
    mutating func retry(now: Instant, maximum: Interval) {
        state = .waiting(until: now + backoff)
        backoff = min(Interval(nanoseconds: backoff.nanoseconds &* 2), maximum)
    }
}
