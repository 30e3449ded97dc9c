import OpenFlow

/// Counts by a small type code (OpenFlow 1.0's 22 message types, or its 6 error types),
/// with one more bucket for codes outside the range. The counts live inline (no array
/// buffer), so counting a message is one add: no uniqueness check, nothing allocated.
public struct TypeCounts: Hashable, Sendable {
    /// Room for the largest use, OpenFlow 1.0's 22 message types and the overflow bucket.
    private static let capacity = 23
    private var counts = InlineArray<23, UInt64>(repeating: 0)
    /// The codes counted separately: 0 ..< this.
    public let types: Int

    public init(types: Int) {
        precondition(types >= 0 && types < Self.capacity)
        self.types = types
    }

    @inline(__always)
    mutating func count(_ code: Int) {
        counts[min(max(code, 0), types)] &+= 1
    }

    /// The count for `code` (codes outside the range share the last bucket).
    public subscript(code: Int) -> UInt64 { counts[min(max(code, 0), types)] }

    /// Everything counted past the named types.
    public var other: UInt64 { counts[types] }

    public static func messageTypes() -> TypeCounts { TypeCounts(types: 22) }
    public static func errorTypes() -> TypeCounts { TypeCounts(types: 6) }

    public static func == (a: TypeCounts, b: TypeCounts) -> Bool {
        guard a.types == b.types else { return false }
        for code in 0...a.types where a.counts[code] != b.counts[code] { return false }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(types)
        for code in 0...types { hasher.combine(counts[code]) }
    }
}
