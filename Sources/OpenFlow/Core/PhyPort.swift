import Wire

/// `ofp_port_config` bits.
public struct PortConfig: OptionSet, Hashable, Sendable {
    public var rawValue: UInt32
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let portDown = PortConfig(rawValue: 1 << 0)
    public static let noSTP = PortConfig(rawValue: 1 << 1)
    public static let noRecv = PortConfig(rawValue: 1 << 2)
    public static let noRecvSTP = PortConfig(rawValue: 1 << 3)
    public static let noFlood = PortConfig(rawValue: 1 << 4)
    public static let noFwd = PortConfig(rawValue: 1 << 5)
    public static let noPacketIn = PortConfig(rawValue: 1 << 6)
}

/// `ofp_port_state` bits; the STP state is a 2-bit field (`stpMask`).
public struct PortState: OptionSet, Hashable, Sendable {
    public var rawValue: UInt32
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let linkDown = PortState(rawValue: 1 << 0)
    public static let stpListen = PortState(rawValue: 0 << 8)
    public static let stpLearn = PortState(rawValue: 1 << 8)
    public static let stpForward = PortState(rawValue: 2 << 8)
    public static let stpBlock = PortState(rawValue: 3 << 8)
    public static let stpMask = PortState(rawValue: 3 << 8)
}

/// `ofp_port_features` bits.
public struct PortFeatures: OptionSet, Hashable, Sendable {
    public var rawValue: UInt32
    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let rate10MbHD = PortFeatures(rawValue: 1 << 0)
    public static let rate10MbFD = PortFeatures(rawValue: 1 << 1)
    public static let rate100MbHD = PortFeatures(rawValue: 1 << 2)
    public static let rate100MbFD = PortFeatures(rawValue: 1 << 3)
    public static let rate1GbHD = PortFeatures(rawValue: 1 << 4)
    public static let rate1GbFD = PortFeatures(rawValue: 1 << 5)
    public static let rate10GbFD = PortFeatures(rawValue: 1 << 6)
    public static let copper = PortFeatures(rawValue: 1 << 7)
    public static let fiber = PortFeatures(rawValue: 1 << 8)
    public static let autoNegotiation = PortFeatures(rawValue: 1 << 9)
    public static let pause = PortFeatures(rawValue: 1 << 10)
    public static let pauseAsymmetric = PortFeatures(rawValue: 1 << 11)
}

/// `ofp_phy_port` (48 bytes): a port as FEATURES_REPLY and PORT_STATUS describe it.
public struct PhyPort: Hashable, Sendable {
    public static let length = 48
    public static let nameLength = 16

    public var portNumber: PortNumber
    public var hardwareAddress: MACAddress
    /// Up to 15 bytes; the field is NUL-padded on the wire.
    public var name: String
    public var config: PortConfig
    public var state: PortState
    public var current: PortFeatures
    public var advertised: PortFeatures
    public var supported: PortFeatures
    public var peer: PortFeatures

    public init(
        portNumber: PortNumber, hardwareAddress: MACAddress, name: String,
        config: PortConfig = [], state: PortState = [], current: PortFeatures = [],
        advertised: PortFeatures = [], supported: PortFeatures = [], peer: PortFeatures = []
    ) {
        self.portNumber = portNumber
        self.hardwareAddress = hardwareAddress
        self.name = name
        self.config = config
        self.state = state
        self.current = current
        self.advertised = advertised
        self.supported = supported
        self.peer = peer
    }

    static func decode<E: Error>(from reader: inout ByteReader<E>) throws(E) -> PhyPort {
        let number = PortNumber(try reader.u16())
        let mac = try reader.mac()
        let name = try reader.fixedString(nameLength)
        return PhyPort(
            portNumber: number, hardwareAddress: mac, name: name,
            config: PortConfig(rawValue: try reader.u32()), state: PortState(rawValue: try reader.u32()),
            current: PortFeatures(rawValue: try reader.u32()), advertised: PortFeatures(rawValue: try reader.u32()),
            supported: PortFeatures(rawValue: try reader.u32()), peer: PortFeatures(rawValue: try reader.u32()))
    }

    func encode(into writer: inout ByteWriter) throws(WireError) {
        try writer.u16(portNumber.rawValue)
        try writer.mac(hardwareAddress)
        try writer.fixedString(name, width: Self.nameLength)
        try writer.u32(config.rawValue)
        try writer.u32(state.rawValue)
        try writer.u32(current.rawValue)
        try writer.u32(advertised.rawValue)
        try writer.u32(supported.rawValue)
        try writer.u32(peer.rawValue)
    }
}
