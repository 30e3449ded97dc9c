/// `ofp_action_type`. Open, for the `actions` bitmap of FEATURES_REPLY and for printing.
public struct ActionType: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let output = ActionType(rawValue: 0)
    public static let setVLANVID = ActionType(rawValue: 1)
    public static let setVLANPCP = ActionType(rawValue: 2)
    public static let stripVLAN = ActionType(rawValue: 3)
    public static let setDLSrc = ActionType(rawValue: 4)
    public static let setDLDst = ActionType(rawValue: 5)
    public static let setNWSrc = ActionType(rawValue: 6)
    public static let setNWDst = ActionType(rawValue: 7)
    public static let setNWTOS = ActionType(rawValue: 8)
    public static let setTPSrc = ActionType(rawValue: 9)
    public static let setTPDst = ActionType(rawValue: 10)
    public static let enqueue = ActionType(rawValue: 11)
    public static let vendor = ActionType(rawValue: 0xFFFF)

    /// The wire length of the action, or nil for vendor (variable) and unknown types.
    var fixedLength: Int? {
        switch rawValue {
        case 0, 1, 2, 3, 6, 7, 8, 9, 10: 8
        case 4, 5, 11: 16
        default: nil
        }
    }

    /// `OFPAT_*`, or nil for a type OpenFlow 1.0 lacks.
    public var specName: String? {
        switch rawValue {
        case 0: "OFPAT_OUTPUT"
        case 1: "OFPAT_SET_VLAN_VID"
        case 2: "OFPAT_SET_VLAN_PCP"
        case 3: "OFPAT_STRIP_VLAN"
        case 4: "OFPAT_SET_DL_SRC"
        case 5: "OFPAT_SET_DL_DST"
        case 6: "OFPAT_SET_NW_SRC"
        case 7: "OFPAT_SET_NW_DST"
        case 8: "OFPAT_SET_NW_TOS"
        case 9: "OFPAT_SET_TP_SRC"
        case 10: "OFPAT_SET_TP_DST"
        case 11: "OFPAT_ENQUEUE"
        case 0xFFFF: "OFPAT_VENDOR"
        default: nil
        }
    }
}
