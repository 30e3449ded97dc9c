import Wire

/// `ofp_config_flags`: how the switch treats IP fragments (a 2-bit field).
public struct ConfigFlags: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let fragNormal = ConfigFlags(rawValue: 0)
    public static let fragDrop = ConfigFlags(rawValue: 1)
    public static let fragReassemble = ConfigFlags(rawValue: 2)
    public static let fragMask: UInt16 = 3

    /// The fragment-handling part.
    public var fragmentHandling: ConfigFlags { ConfigFlags(rawValue: rawValue & Self.fragMask) }
}

/// OFPT_GET_CONFIG_REPLY and OFPT_SET_CONFIG.
public struct SwitchConfig: Hashable, Sendable, MessageBody {
    /// OFP_DEFAULT_MISS_SEND_LEN.
    public static let defaultMissSendLength: UInt16 = 128

    public var flags: ConfigFlags
    /// How many bytes of a missed packet go to the controller.
    public var missSendLength: UInt16

    public init(flags: ConfigFlags = .fragNormal, missSendLength: UInt16 = SwitchConfig.defaultMissSendLength) {
        self.flags = flags
        self.missSendLength = missSendLength
    }

    static func decode(_ reader: inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> SwitchConfig {
        SwitchConfig(flags: ConfigFlags(rawValue: try reader.u16()), missSendLength: try reader.u16())
    }
    @usableFromInline var bodyLength: Int { 4 }
    func encodeBody(into writer: inout ByteWriter) throws(WireError) {
        try writer.u16(flags.rawValue)
        try writer.u16(missSendLength)
    }
}
