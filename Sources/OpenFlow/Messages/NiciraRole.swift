import Wire

/// A controller's role on a switch connection, as the Nicira extension names them.
/// OpenFlow 1.0 has no roles; Open vSwitch and the controllers around it use this
/// extension so that several controllers can share a switch.
public enum ControllerRole: UInt32, Hashable, Sendable {
    /// Full access and every asynchronous message: the default.
    case other = 0
    /// Full access; a new master demotes every other master to slave.
    case master = 1
    /// Read-only: state changes are refused (OFPBRC_EPERM), and no PACKET_IN or
    /// FLOW_REMOVED is sent (PORT_STATUS still is).
    case slave = 2

    /// "other", "master", "slave": the words of the command lines and the logs.
    public var name: String {
        switch self {
        case .other: "other"
        case .master: "master"
        case .slave: "slave"
        }
    }
}

/// NXT_ROLE_REQUEST and NXT_ROLE_REPLY: an OFPT_VENDOR message with the Nicira vendor
/// id (0x00002320), a 32-bit subtype (10 and 11) and a 32-bit role.
public struct NiciraRole: Hashable, Sendable {
    public static let vendor: UInt32 = 0x0000_2320
    public static let requestSubtype: UInt32 = 10
    public static let replySubtype: UInt32 = 11

    /// Why a Nicira vendor message is not a role message a switch can act on.
    public enum DecodingError: Error, Equatable {
        /// The vendor is not Nicira: OFPBRC_BAD_VENDOR.
        case otherVendor
        /// A Nicira subtype other than the one expected: OFPBRC_BAD_SUBTYPE.
        case otherSubtype
        /// The body is not exactly subtype and role: OFPBRC_BAD_LEN.
        case badLength
        /// A role number outside OTHER, MASTER, SLAVE: Open vSwitch's NXBRC_BAD_ROLE.
        case badRole(UInt32)
    }

    public var isReply: Bool
    public var role: ControllerRole

    public init(isReply: Bool = false, role: ControllerRole) {
        self.isReply = isReply
        self.role = role
    }

    /// The role message in `message`, a request or a reply as `reply` says.
    public init(_ message: VendorMessage, reply: Bool = false) throws(DecodingError) {
        guard message.vendor == Self.vendor else { throw .otherVendor }
        var reader = ByteReader(message.body, truncated: DecodingError.badLength)
        guard try reader.u32() == (reply ? Self.replySubtype : Self.requestSubtype) else { throw .otherSubtype }
        let number = try reader.u32()
        guard reader.isAtEnd else { throw .badLength }
        guard let role = ControllerRole(rawValue: number) else { throw .badRole(number) }
        self.init(isReply: reply, role: role)
    }

    /// The OFPT_VENDOR body that carries it.
    public var vendorMessage: VendorMessage {
        // Both numbers are below 256: the body is 0, 0, 0, subtype, 0, 0, 0, role.
        let subtype = UInt8(isReply ? Self.replySubtype : Self.requestSubtype)
        let body: [UInt8] = [0, 0, 0, subtype, 0, 0, 0, UInt8(role.rawValue)]
        return VendorMessage(vendor: Self.vendor, body: body[...])
    }

    /// Open vSwitch's answer to a role it does not know, for OpenFlow 1.0: an error of
    /// the extension type NXET_VENDOR (0xb0c2, code 0) whose data is nx_vendor_error
    /// (vendor 0x2320, OFPET_BAD_REQUEST, NXBRC_BAD_ROLE 513), then the request's
    /// first 64 bytes.
    public static func badRoleError(answering request: ArraySlice<UInt8>) -> ErrorMessage {
        var data: [UInt8] = [0x00, 0x00, 0x23, 0x20, 0x00, 0x01, 0x02, 0x01]
        data.append(contentsOf: request.prefix(64))
        return ErrorMessage(code: ErrorCode(type: ErrorType(rawValue: 0xB0C2), code: 0), data: data[...])
    }
}
