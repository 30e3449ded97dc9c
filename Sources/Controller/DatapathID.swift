/// A switch's 64-bit datapath id, as its FEATURES_REPLY reports it: the key apps use
/// to address a switch, whichever connection it currently uses.
public struct DatapathID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var rawValue: UInt64
    @inlinable public init(_ rawValue: UInt64) { self.rawValue = rawValue }

    public static func < (a: DatapathID, b: DatapathID) -> Bool { a.rawValue < b.rawValue }

    /// Sixteen hex digits, as ovs-ofctl prints a datapath id: `0000000000000001`.
    public var description: String {
        let digits = String(rawValue, radix: 16)
        return String(repeating: "0", count: 16 - digits.utf8.count) + digits
    }
}
