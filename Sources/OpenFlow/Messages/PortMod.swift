import Wire

/// OFPT_PORT_MOD: change the config bits selected by `mask`; `hardwareAddress` must
/// match the port's, as a sanity check.
public struct PortMod: Hashable, Sendable, MessageBody {
    public var portNumber: PortNumber
    public var hardwareAddress: MACAddress
    public var config: PortConfig
    public var mask: PortConfig
    /// Features to advertise; all zero leaves them unchanged.
    public var advertise: PortFeatures

    public init(portNumber: PortNumber, hardwareAddress: MACAddress, config: PortConfig, mask: PortConfig, advertise: PortFeatures = []) {
        self.portNumber = portNumber
        self.hardwareAddress = hardwareAddress
        self.config = config
        self.mask = mask
        self.advertise = advertise
    }

    static func decode(_ reader: inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> PortMod {
        let port = PortNumber(try reader.u16())
        let mac = try reader.mac()
        let config = PortConfig(rawValue: try reader.u32())
        let mask = PortConfig(rawValue: try reader.u32())
        let advertise = PortFeatures(rawValue: try reader.u32())
        try reader.skip(4)
        return PortMod(portNumber: port, hardwareAddress: mac, config: config, mask: mask, advertise: advertise)
    }
    @usableFromInline var bodyLength: Int { 24 }
    func encodeBody(into writer: inout ByteWriter) throws(WireError) {
        try writer.u16(portNumber.rawValue)
        try writer.mac(hardwareAddress)
        try writer.u32(config.rawValue)
        try writer.u32(mask.rawValue)
        try writer.u32(advertise.rawValue)
        try writer.zeros(4)
    }
}
