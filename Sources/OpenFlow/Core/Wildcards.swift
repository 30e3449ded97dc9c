/// `ofp_flow_wildcards`: which match fields are ignored, with the nw_src and nw_dst
/// fields holding how many low address bits are ignored (0 exact ... 32+ all).
public struct Wildcards: OptionSet, Hashable, Sendable {
    public var rawValue: UInt32
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let inPort = Wildcards(rawValue: 1 << 0)
    public static let dlVLAN = Wildcards(rawValue: 1 << 1)
    public static let dlSrc = Wildcards(rawValue: 1 << 2)
    public static let dlDst = Wildcards(rawValue: 1 << 3)
    public static let dlType = Wildcards(rawValue: 1 << 4)
    public static let nwProto = Wildcards(rawValue: 1 << 5)
    public static let tpSrc = Wildcards(rawValue: 1 << 6)
    public static let tpDst = Wildcards(rawValue: 1 << 7)
    public static let dlVLANPCP = Wildcards(rawValue: 1 << 20)
    public static let nwTOS = Wildcards(rawValue: 1 << 21)

    @usableFromInline static let nwSrcShift: UInt32 = 8
    @usableFromInline static let nwDstShift: UInt32 = 14
    @usableFromInline static let nwSrcMask: UInt32 = 0x3F << 8
    @usableFromInline static let nwDstMask: UInt32 = 0x3F << 14

    /// Every field wildcarded (OFPFW_ALL).
    public static let all = Wildcards(rawValue: (1 << 22) - 1)
    /// Nothing wildcarded: an exact-match entry.
    public static var exact: Wildcards { Wildcards(rawValue: 0) }

    /// Low-order bits of nw_src ignored; values of 32 and above mean all (the wire may
    /// carry up to 63).
    @inlinable
    public var nwSrcWildcardBits: Int {
        get { Int((rawValue & Self.nwSrcMask) >> Self.nwSrcShift) }
        set { rawValue = rawValue & ~Self.nwSrcMask | UInt32(min(max(newValue, 0), 63)) << Self.nwSrcShift }
    }

    @inlinable
    public var nwDstWildcardBits: Int {
        get { Int((rawValue & Self.nwDstMask) >> Self.nwDstShift) }
        set { rawValue = rawValue & ~Self.nwDstMask | UInt32(min(max(newValue, 0), 63)) << Self.nwDstShift }
    }

    /// Prefix length matched on nw_src: 32 exact, 0 any.
    @inlinable public var nwSrcPrefix: Int { 32 - min(nwSrcWildcardBits, 32) }
    @inlinable public var nwDstPrefix: Int { 32 - min(nwDstWildcardBits, 32) }
}
