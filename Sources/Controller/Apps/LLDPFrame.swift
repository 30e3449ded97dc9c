import OpenFlow
import Wire

/// The LLDP probe discovery sends out of every switch port, as Ryu's topology app does:
/// chassis id `dpid:0000000000000001` (locally assigned), port id the OpenFlow port
/// number as 4 bytes (port component), TTL, End. Ryu's format, so its tools read ours.
public struct LLDPFrame: Hashable, Sendable {
    /// The nearest-bridge group address: bridges never forward it.
    public static let destination = MACAddress(0x01, 0x80, 0xC2, 0x00, 0x00, 0x0E)
    /// Seconds a receiver may keep the information (LLDP's TTL; Ryu sends 120).
    public static let defaultTTL: UInt16 = 120

    public var datapath: DatapathID
    public var port: PortNumber
    public var ttl: UInt16

    public init(datapath: DatapathID, port: PortNumber, ttl: UInt16 = LLDPFrame.defaultTTL) {
        self.datapath = datapath
        self.port = port
        self.ttl = ttl
    }

    private static let chassisPrefix: [UInt8] = Array("dpid:".utf8)
    private static let tlvEnd: UInt8 = 0
    private static let tlvChassisID: UInt8 = 1
    private static let tlvPortID: UInt8 = 2
    private static let tlvTTL: UInt8 = 3
    private static let chassisLocallyAssigned: UInt8 = 7
    private static let portComponent: UInt8 = 2

    /// Writes the frame, from `source` (the sending port's MAC), over `buffer`'s old
    /// contents; a buffer kept between calls is reused without allocating.
    public func encode(source: MACAddress, into buffer: inout [UInt8]) {
        buffer.removeAll(keepingCapacity: true)
        Self.append(Self.destination, to: &buffer)
        Self.append(source, to: &buffer)
        Self.append16(EtherType.lldp.rawValue, to: &buffer)
        Self.appendTLVHeader(Self.tlvChassisID, length: 1 + Self.chassisPrefix.count + 16, to: &buffer)
        buffer.append(Self.chassisLocallyAssigned)
        buffer.append(contentsOf: Self.chassisPrefix)
        for shift in stride(from: 60, through: 0, by: -4) {
            buffer.append(Self.hexDigit(UInt8(truncatingIfNeeded: datapath.rawValue >> UInt64(shift)) & 0xF))
        }
        Self.appendTLVHeader(Self.tlvPortID, length: 5, to: &buffer)
        buffer.append(Self.portComponent)
        Self.append16(0, to: &buffer)
        Self.append16(port.rawValue, to: &buffer)
        Self.appendTLVHeader(Self.tlvTTL, length: 2, to: &buffer)
        Self.append16(ttl, to: &buffer)
        Self.appendTLVHeader(Self.tlvEnd, length: 0, to: &buffer)
    }

    /// Parses a whole Ethernet frame strictly: the addresses and EtherType, then chassis
    /// id, port id and TTL in that order, optional TLVs (skipped), and End. Bytes after
    /// End are Ethernet padding.
    public init(parsing frame: ArraySlice<UInt8>) throws(LLDPError) {
        var reader = ByteReader<LLDPError>(frame, truncated: .truncated)
        guard try reader.mac() == Self.destination else { throw .notLLDP }
        _ = try reader.mac()
        guard try reader.u16() == EtherType.lldp.rawValue else { throw .notLLDP }

        let chassis = try Self.tlv(&reader, expecting: Self.tlvChassisID)
        datapath = try Self.datapath(fromChassisID: chassis)
        let portID = try Self.tlv(&reader, expecting: Self.tlvPortID)
        guard portID.count == 5, portID.first == Self.portComponent else { throw .badPortID }
        var portReader = ByteReader<LLDPError>(portID.dropFirst(), truncated: .badPortID)
        let number = try portReader.u32()
        guard number >= 1, number <= UInt32(PortNumber.max.rawValue) else { throw .badPortID }
        port = PortNumber(UInt16(number))
        let ttlValue = try Self.tlv(&reader, expecting: Self.tlvTTL)
        guard ttlValue.count == 2 else { throw .badTTL }
        ttl = UInt16(ttlValue[ttlValue.startIndex]) << 8 | UInt16(ttlValue[ttlValue.startIndex + 1])

        while true {
            let (type, value) = try Self.nextTLV(&reader)
            if type == Self.tlvEnd {
                guard value.isEmpty else { throw .badTLV(type: type) }
                return
            }
            // The mandatory TLVs come once, first; anything else optional is skipped.
            guard type > Self.tlvTTL else { throw .badTLV(type: type) }
        }
    }

    private static func nextTLV(_ reader: inout ByteReader<LLDPError>) throws(LLDPError) -> (UInt8, ArraySlice<UInt8>) {
        let header = try reader.u16()
        let value = try reader.bytes(Int(header & 0x1FF))
        return (UInt8(header >> 9), value)
    }

    private static func tlv(_ reader: inout ByteReader<LLDPError>, expecting type: UInt8) throws(LLDPError) -> ArraySlice<UInt8> {
        let (found, value) = try nextTLV(&reader)
        guard found == type else { throw .badTLV(type: found) }
        return value
    }

    private static func datapath(fromChassisID value: ArraySlice<UInt8>) throws(LLDPError) -> DatapathID {
        guard value.count == 1 + chassisPrefix.count + 16, value.first == chassisLocallyAssigned,
            value.dropFirst().prefix(chassisPrefix.count).elementsEqual(chassisPrefix)
        else { throw .foreignChassisID }
        var raw: UInt64 = 0
        for byte in value.suffix(16) {
            guard let digit = hexValue(byte) else { throw .foreignChassisID }
            raw = raw << 4 | UInt64(digit)
        }
        return DatapathID(raw)
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x61...0x66: byte - 0x57
        case 0x41...0x46: byte - 0x37
        default: nil
        }
    }

    private static func appendTLVHeader(_ type: UInt8, length: Int, to buffer: inout [UInt8]) {
        append16(UInt16(type) << 9 | UInt16(length), to: &buffer)
    }

    private static func append16(_ value: UInt16, to buffer: inout [UInt8]) {
        buffer.append(UInt8(value >> 8))
        buffer.append(UInt8(truncatingIfNeeded: value))
    }

    private static func append(_ mac: MACAddress, to buffer: inout [UInt8]) {
        for index in 0..<6 { buffer.append(mac[index]) }
    }
}
