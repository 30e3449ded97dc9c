import Wire

/// One OpenFlow 1.0 action: the 12 standard types and the vendor action.
public enum Action: Hashable, Sendable {
    /// Output to a port; `maxLength` bounds what goes to the controller.
    case output(port: PortNumber, maxLength: UInt16 = 0)
    case setVLANVID(UInt16)
    case setVLANPCP(UInt8)
    case stripVLAN
    case setDLSrc(MACAddress)
    case setDLDst(MACAddress)
    case setNWSrc(IPv4Address)
    case setNWDst(IPv4Address)
    /// The DSCP bits in place: the low two bits must be zero.
    case setNWTOS(UInt8)
    case setTPSrc(UInt16)
    case setTPDst(UInt16)
    case enqueue(port: PortNumber, queueID: UInt32)
    /// A vendor action: the vendor id and the bytes after it. Encoding pads the body
    /// with zeros to keep the action a multiple of 8 bytes.
    case vendor(vendor: UInt32, body: ArraySlice<UInt8>)

    public var type: ActionType {
        switch self {
        case .output: .output
        case .setVLANVID: .setVLANVID
        case .setVLANPCP: .setVLANPCP
        case .stripVLAN: .stripVLAN
        case .setDLSrc: .setDLSrc
        case .setDLDst: .setDLDst
        case .setNWSrc: .setNWSrc
        case .setNWDst: .setNWDst
        case .setNWTOS: .setNWTOS
        case .setTPSrc: .setTPSrc
        case .setTPDst: .setTPDst
        case .enqueue: .enqueue
        case .vendor: .vendor
        }
    }

    /// Bytes on the wire.
    public var wireLength: Int {
        if case .vendor(_, let body) = self { return (8 + body.count + 7) & ~7 }
        return type.fixedLength ?? 8
    }
}

extension Action {
    /// Decodes one action, checking type, length and alignment, and argument ranges.
    static func decode(from reader: inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> Action {
        guard reader.remaining >= 4 else { throw .badActionLength(UInt16(reader.remaining)) }
        let rawType = try reader.u16()
        let length = try reader.u16()
        guard length >= 8, length % 8 == 0, Int(length) - 4 <= reader.remaining else {
            throw .badActionLength(length)
        }
        let type = ActionType(rawValue: rawType)
        if type == .vendor {
            let vendor = try reader.u32()
            return .vendor(vendor: vendor, body: try reader.bytes(Int(length) - 8))
        }
        guard let expected = type.fixedLength else { throw .badActionType(rawType) }
        guard Int(length) == expected else { throw .badActionLength(length) }
        switch type {
        case .output:
            let port = PortNumber(try reader.u16())
            return .output(port: port, maxLength: try reader.u16())
        case .setVLANVID:
            let vid = try reader.u16()
            try reader.skip(2)
            guard vid <= 0x0FFF else { throw .badActionArgument(rawType) }
            return .setVLANVID(vid)
        case .setVLANPCP:
            let pcp = try reader.u8()
            try reader.skip(3)
            guard pcp <= 7 else { throw .badActionArgument(rawType) }
            return .setVLANPCP(pcp)
        case .stripVLAN:
            try reader.skip(4)
            return .stripVLAN
        case .setDLSrc, .setDLDst:
            let mac = try reader.mac()
            try reader.skip(6)
            return type == .setDLSrc ? .setDLSrc(mac) : .setDLDst(mac)
        case .setNWSrc:
            return .setNWSrc(try reader.ipv4())
        case .setNWDst:
            return .setNWDst(try reader.ipv4())
        case .setNWTOS:
            let tos = try reader.u8()
            try reader.skip(3)
            guard tos & 0x03 == 0 else { throw .badActionArgument(rawType) }
            return .setNWTOS(tos)
        case .setTPSrc, .setTPDst:
            let port = try reader.u16()
            try reader.skip(2)
            return type == .setTPSrc ? .setTPSrc(port) : .setTPDst(port)
        default:  // .enqueue, the only other fixed-length type
            let port = PortNumber(try reader.u16())
            try reader.skip(6)
            return .enqueue(port: port, queueID: try reader.u32())
        }
    }

    func encode(into writer: inout ByteWriter) throws(WireError) {
        try writer.u16(type.rawValue)
        try writer.u16(UInt16(truncatingIfNeeded: wireLength))
        switch self {
        case .output(let port, let maxLength):
            try writer.u16(port.rawValue)
            try writer.u16(maxLength)
        case .setVLANVID(let vid):
            try writer.u16(vid)
            try writer.u16(0)
        case .setVLANPCP(let pcp):
            try writer.u8(pcp)
            try writer.zeros(3)
        case .stripVLAN:
            try writer.u32(0)
        case .setDLSrc(let mac), .setDLDst(let mac):
            try writer.mac(mac)
            try writer.zeros(6)
        case .setNWSrc(let ip), .setNWDst(let ip):
            try writer.ipv4(ip)
        case .setNWTOS(let tos):
            try writer.u8(tos)
            try writer.zeros(3)
        case .setTPSrc(let port), .setTPDst(let port):
            try writer.u16(port)
            try writer.u16(0)
        case .enqueue(let port, let queueID):
            try writer.u16(port.rawValue)
            try writer.zeros(6)
            try writer.u32(queueID)
        case .vendor(let vendor, let body):
            try writer.u32(vendor)
            try writer.bytes(body)
            try writer.zeros(wireLength - 8 - body.count)
        }
    }
}

/// Action lists as they sit in FLOW_MOD, PACKET_OUT and flow stats.
enum ActionList {
    static func decode(_ bytes: ArraySlice<UInt8>) throws(OpenFlowError) -> [Action] {
        var reader = ByteReader(bytes, truncated: OpenFlowError.badActionLength(UInt16(truncatingIfNeeded: bytes.count)))
        var actions: [Action] = []
        while !reader.isAtEnd {
            actions.append(try Action.decode(from: &reader))
        }
        return actions
    }

    static func wireLength(_ actions: [Action]) -> Int {
        var total = 0
        for action in actions { total += action.wireLength }
        return total
    }

    static func encode(_ actions: [Action], into writer: inout ByteWriter) throws(WireError) {
        for action in actions { try action.encode(into: &writer) }
    }
}
