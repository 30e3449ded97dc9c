/// A 32-bit TCP sequence number. Order is modulo 2^32 (RFC 9293 section 3.4): `a < b`
/// when b is less than 2^31 ahead of a, so comparisons survive wraparound.
struct TCPSequenceNumber: Equatable, Comparable, Sendable {
    var rawValue: UInt32

    init(_ rawValue: UInt32) { self.rawValue = rawValue }

    static func < (a: Self, b: Self) -> Bool { Int32(bitPattern: a.rawValue &- b.rawValue) < 0 }

    static func + (a: Self, n: Int) -> Self { Self(a.rawValue &+ UInt32(truncatingIfNeeded: n)) }

    /// The signed distance from `b` to `a`.
    static func - (a: Self, b: Self) -> Int { Int(Int32(bitPattern: a.rawValue &- b.rawValue)) }

    /// `lower <= self < upper`.
    func isIn(_ lower: Self, _ upper: Self) -> Bool { !(self < lower) && self < upper }
}
