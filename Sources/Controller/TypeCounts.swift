import OpenFlow

/// Counts by a small type code (OpenFlow 1.0's 22 message types, or its 6 error types),
/// with one more bucket for codes outside the range. An array allocated once, counted
/// in place: nothing allocates per message.
public struct TypeCounts: Hashable, Sendable {
    private var counts: [UInt64]

    public init(types: Int) {
        counts = [UInt64](repeating: 0, count: types + 1)
    }

    @inline(__always)
    mutating func count(_ code: Int) {
        counts[min(code, counts.count - 1)] &+= 1
    }

    /// The count for `code` (codes outside the range share the last bucket).
    public subscript(code: Int) -> UInt64 { counts[min(code, counts.count - 1)] }

    /// The codes counted separately: 0 ..< this.
    public var types: Int { counts.count - 1 }

    /// Everything counted past the named types.
    public var other: UInt64 { counts[counts.count - 1] }

    public static func messageTypes() -> TypeCounts { TypeCounts(types: 22) }
    public static func errorTypes() -> TypeCounts { TypeCounts(types: 6) }
}
