/// `ofp_stats_types`. Open for encoding; the decoder rejects unknown types with
/// OFPBRC_BAD_STAT.
public struct StatsType: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let desc = StatsType(rawValue: 0)
    public static let flow = StatsType(rawValue: 1)
    public static let aggregate = StatsType(rawValue: 2)
    public static let table = StatsType(rawValue: 3)
    public static let port = StatsType(rawValue: 4)
    public static let queue = StatsType(rawValue: 5)
    public static let vendor = StatsType(rawValue: 0xFFFF)

    /// `OFPST_*`.
    public var specName: String? {
        switch rawValue {
        case 0: "OFPST_DESC"
        case 1: "OFPST_FLOW"
        case 2: "OFPST_AGGREGATE"
        case 3: "OFPST_TABLE"
        case 4: "OFPST_PORT"
        case 5: "OFPST_QUEUE"
        case 0xFFFF: "OFPST_VENDOR"
        default: nil
        }
    }
}

/// `ofp_stats_reply_flags`.
public struct StatsReplyFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }
    /// More replies follow with the same xid.
    public static let replyMore = StatsReplyFlags(rawValue: 1 << 0)
}
