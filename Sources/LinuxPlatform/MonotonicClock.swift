import Glibc
import Scheduler

/// CLOCK_MONOTONIC as an `Instant`: immune to wall-clock steps, so timeouts and rates
/// stay right when NTP adjusts the time.
public enum MonotonicClock {
    public static func now() -> Instant {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Instant(nanoseconds: UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec))
    }
}
