import Scheduler

/// A token bucket: `rate` tokens a second up to `burst`, one spent per allowed event.
struct TokenBucket {
    let rate: UInt64
    let burst: UInt64
    /// Tokens, scaled by 10^9 so refills by the nanosecond need no division per call.
    private var scaledTokens: UInt64
    private var last: Instant?

    init(rate: Int, burst: Int) {
        self.rate = UInt64(Swift.max(rate, 0))
        self.burst = UInt64(Swift.max(burst, 0))
        scaledTokens = self.burst &* 1_000_000_000
    }

    mutating func allow(now: Instant) -> Bool {
        let cap = burst &* 1_000_000_000
        if let last {
            let elapsed = (now - last).nanoseconds
            let gain = elapsed.multipliedReportingOverflow(by: rate)
            scaledTokens = gain.overflow ? cap : Swift.min(cap, scaledTokens &+ Swift.min(gain.partialValue, cap))
        }
        last = now
        guard scaledTokens >= 1_000_000_000 else { return false }
        scaledTokens &-= 1_000_000_000
        return true
    }
}
