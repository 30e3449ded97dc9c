import Scheduler

/// RFC 6298: the smoothed round-trip time, its variance, and the retransmission timeout
/// with exponential backoff. Karn's algorithm lives with the caller: only segments sent
/// once are timed, and a backed-off RTO stays until such a sample arrives.
struct TCPRetransmitTimer {
    private(set) var smoothed: Interval?
    private var variance = Interval.zero
    /// The current timeout, backoff included.
    private(set) var rto: Interval
    let minimum: Interval
    let maximum: Interval

    init(initial: Interval, minimum: Interval, maximum: Interval) {
        // Never zero: a timer re-armed at `now` would fire again in the same tick.
        self.minimum = Swift.max(minimum, .milliseconds(1))
        self.maximum = Swift.max(maximum, self.minimum)
        rto = Swift.min(Swift.max(initial, self.minimum), self.maximum)
    }

    /// Takes one round-trip measurement (RFC 6298 2.2 and 2.3).
    mutating func sample(_ rtt: Interval) {
        let r = rtt.nanoseconds
        if let srtt = smoothed?.nanoseconds {
            let difference = srtt > r ? srtt - r : r - srtt
            variance = Interval(nanoseconds: (3 &* variance.nanoseconds + difference) / 4)
            smoothed = Interval(nanoseconds: (7 &* srtt + r) / 8)
        } else {
            smoothed = rtt
            variance = Interval(nanoseconds: r / 2)
        }
        let granularity: UInt64 = 1_000_000
        let base = smoothed.unsafelyUnwrapped.nanoseconds
        rto = clamp(Interval(nanoseconds: base &+ Swift.max(granularity, 4 &* variance.nanoseconds)))
    }

    /// Doubles the timeout after it expired (RFC 6298 5.5).
    mutating func backOff() {
        rto = clamp(Interval(nanoseconds: rto.nanoseconds &* 2))
    }

    private func clamp(_ value: Interval) -> Interval {
        Swift.min(Swift.max(value, minimum), maximum)
    }
}
