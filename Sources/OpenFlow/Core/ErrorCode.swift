/// `ofp_error_type`. Open: an unknown type from a peer is kept as it came.
public struct ErrorType: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let helloFailed = ErrorType(rawValue: 0)
    public static let badRequest = ErrorType(rawValue: 1)
    public static let badAction = ErrorType(rawValue: 2)
    public static let flowModFailed = ErrorType(rawValue: 3)
    public static let portModFailed = ErrorType(rawValue: 4)
    public static let queueOpFailed = ErrorType(rawValue: 5)

    /// `OFPET_*`, or nil for a type OpenFlow 1.0 lacks.
    public var specName: String? {
        switch rawValue {
        case 0: "OFPET_HELLO_FAILED"
        case 1: "OFPET_BAD_REQUEST"
        case 2: "OFPET_BAD_ACTION"
        case 3: "OFPET_FLOW_MOD_FAILED"
        case 4: "OFPET_PORT_MOD_FAILED"
        case 5: "OFPET_QUEUE_OP_FAILED"
        default: nil
        }
    }
}

/// An error type together with its code: what an `OFPT_ERROR` carries.
public struct ErrorCode: Hashable, Sendable {
    public var type: ErrorType
    public var code: UInt16

    @inlinable public init(type: ErrorType, code: UInt16) {
        self.type = type
        self.code = code
    }

    // OFPET_HELLO_FAILED
    public static let helloIncompatible = ErrorCode(type: .helloFailed, code: 0)
    public static let helloPermissions = ErrorCode(type: .helloFailed, code: 1)
    // OFPET_BAD_REQUEST
    public static let badVersion = ErrorCode(type: .badRequest, code: 0)
    public static let badType = ErrorCode(type: .badRequest, code: 1)
    public static let badStat = ErrorCode(type: .badRequest, code: 2)
    public static let badVendor = ErrorCode(type: .badRequest, code: 3)
    public static let badSubtype = ErrorCode(type: .badRequest, code: 4)
    public static let requestPermissions = ErrorCode(type: .badRequest, code: 5)
    public static let badLength = ErrorCode(type: .badRequest, code: 6)
    public static let bufferEmpty = ErrorCode(type: .badRequest, code: 7)
    public static let bufferUnknown = ErrorCode(type: .badRequest, code: 8)
    // OFPET_BAD_ACTION
    public static let badActionType = ErrorCode(type: .badAction, code: 0)
    public static let badActionLength = ErrorCode(type: .badAction, code: 1)
    public static let badActionVendor = ErrorCode(type: .badAction, code: 2)
    public static let badActionVendorType = ErrorCode(type: .badAction, code: 3)
    public static let badOutPort = ErrorCode(type: .badAction, code: 4)
    public static let badActionArgument = ErrorCode(type: .badAction, code: 5)
    public static let actionPermissions = ErrorCode(type: .badAction, code: 6)
    public static let tooManyActions = ErrorCode(type: .badAction, code: 7)
    public static let badQueue = ErrorCode(type: .badAction, code: 8)
    // OFPET_FLOW_MOD_FAILED
    public static let allTablesFull = ErrorCode(type: .flowModFailed, code: 0)
    public static let flowOverlap = ErrorCode(type: .flowModFailed, code: 1)
    public static let flowModPermissions = ErrorCode(type: .flowModFailed, code: 2)
    public static let badEmergencyTimeout = ErrorCode(type: .flowModFailed, code: 3)
    public static let badFlowModCommand = ErrorCode(type: .flowModFailed, code: 4)
    public static let flowModUnsupported = ErrorCode(type: .flowModFailed, code: 5)
    // OFPET_PORT_MOD_FAILED
    public static let badPort = ErrorCode(type: .portModFailed, code: 0)
    public static let badHardwareAddress = ErrorCode(type: .portModFailed, code: 1)
    // OFPET_QUEUE_OP_FAILED
    public static let queueBadPort = ErrorCode(type: .queueOpFailed, code: 0)
    public static let queueBadQueue = ErrorCode(type: .queueOpFailed, code: 1)
    public static let queuePermissions = ErrorCode(type: .queueOpFailed, code: 2)

    /// The code's `OFP*C_*` constant, or nil when the spec defines none.
    public var codeName: String? {
        let names: [String]
        switch type.rawValue {
        case 0: names = ["OFPHFC_INCOMPATIBLE", "OFPHFC_EPERM"]
        case 1:
            names = [
                "OFPBRC_BAD_VERSION", "OFPBRC_BAD_TYPE", "OFPBRC_BAD_STAT", "OFPBRC_BAD_VENDOR",
                "OFPBRC_BAD_SUBTYPE", "OFPBRC_EPERM", "OFPBRC_BAD_LEN", "OFPBRC_BUFFER_EMPTY",
                "OFPBRC_BUFFER_UNKNOWN",
            ]
        case 2:
            names = [
                "OFPBAC_BAD_TYPE", "OFPBAC_BAD_LEN", "OFPBAC_BAD_VENDOR", "OFPBAC_BAD_VENDOR_TYPE",
                "OFPBAC_BAD_OUT_PORT", "OFPBAC_BAD_ARGUMENT", "OFPBAC_EPERM", "OFPBAC_TOO_MANY",
                "OFPBAC_BAD_QUEUE",
            ]
        case 3:
            names = [
                "OFPFMFC_ALL_TABLES_FULL", "OFPFMFC_OVERLAP", "OFPFMFC_EPERM",
                "OFPFMFC_BAD_EMERG_TIMEOUT", "OFPFMFC_BAD_COMMAND", "OFPFMFC_UNSUPPORTED",
            ]
        case 4: names = ["OFPPMFC_BAD_PORT", "OFPPMFC_BAD_HW_ADDR"]
        case 5: names = ["OFPQOFC_BAD_PORT", "OFPQOFC_BAD_QUEUE", "OFPQOFC_EPERM"]
        default: return nil
        }
        return Int(code) < names.count ? names[Int(code)] : nil
    }

    /// `OFPET_BAD_REQUEST OFPBRC_BAD_LEN`; unknown parts print as numbers.
    public var specName: String {
        (type.specName ?? "type=" + String(type.rawValue)) + " " + (codeName ?? "code=" + String(code))
    }
}
