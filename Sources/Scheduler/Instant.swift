/// A point on a monotonic clock, in nanoseconds since an arbitrary origin. The core never
/// reads a clock: the platform does, and passes `Instant`s in.
public struct Instant: Hashable, Comparable, Sendable {
    public var nanoseconds: UInt64

    @inlinable public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    public static let zero = Instant(nanoseconds: 0)

    @inlinable
    public static func < (a: Instant, b: Instant) -> Bool { a.nanoseconds < b.nanoseconds }

    /// The instant `interval` later (saturating at the far future).
    @inlinable
    public static func + (a: Instant, b: Interval) -> Instant {
        let (sum, overflow) = a.nanoseconds.addingReportingOverflow(b.nanoseconds)
        return Instant(nanoseconds: overflow ? .max : sum)
    }

    /// Time from `b` to `a`, zero if `b` is later.
    @inlinable
    public static func - (a: Instant, b: Instant) -> Interval {
        Interval(nanoseconds: a.nanoseconds > b.nanoseconds ? a.nanoseconds - b.nanoseconds : 0)
    }
}

/// A non-negative span of time in nanoseconds.
public struct Interval: Hashable, Comparable, Sendable {
    public var nanoseconds: UInt64

    @inlinable public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    @inlinable public static func seconds(_ s: UInt64) -> Interval { Interval(nanoseconds: s &* 1_000_000_000) }
    @inlinable public static func milliseconds(_ ms: UInt64) -> Interval { Interval(nanoseconds: ms &* 1_000_000) }
    @inlinable public static func microseconds(_ us: UInt64) -> Interval { Interval(nanoseconds: us &* 1_000) }

    public static let zero = Interval(nanoseconds: 0)

    @inlinable
    public static func < (a: Interval, b: Interval) -> Bool { a.nanoseconds < b.nanoseconds }

    /// Whole milliseconds, rounded up, so a wait never ends before its deadline.
    @inlinable public var millisecondsRoundedUp: UInt64 { (nanoseconds + 999_999) / 1_000_000 }
}
