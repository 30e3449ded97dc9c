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
    @inlinable
    public var wireLength: Int {
        switch self {
        case .setDLSrc, .setDLDst, .enqueue: 16
        case .vendor(_, let body): (8 + body.count + 7) & ~7
        default: 8
        }
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

    /// Writes the action; one bounds check covers a fixed-length action. Inlined into
    /// the action-list loop, which then reads each action in place instead of copying it
    /// out of the array for an opaque call.
    @inline(__always)
    func encode(into writer: inout ByteWriter) throws(WireError) {
        let length = wireLength
        try writer.reserve(length)
        writer.uncheckedU16(type.rawValue)
        writer.uncheckedU16(UInt16(truncatingIfNeeded: length))
        switch self {
        case .output(let port, let maxLength):
            writer.uncheckedU16(port.rawValue)
            writer.uncheckedU16(maxLength)
        case .setVLANVID(let vid):
            writer.uncheckedU16(vid)
            writer.uncheckedU16(0)
        case .setVLANPCP(let pcp):
            writer.uncheckedU8(pcp)
            writer.uncheckedZeros(3)
        case .stripVLAN:
            writer.uncheckedU32(0)
        case .setDLSrc(let mac), .setDLDst(let mac):
            writer.uncheckedMAC(mac)
            writer.uncheckedZeros(6)
        case .setNWSrc(let ip), .setNWDst(let ip):
            writer.uncheckedIPv4(ip)
        case .setNWTOS(let tos):
            writer.uncheckedU8(tos)
            writer.uncheckedZeros(3)
        case .setTPSrc(let port), .setTPDst(let port):
            writer.uncheckedU16(port)
            writer.uncheckedU16(0)
        case .enqueue(let port, let queueID):
            writer.uncheckedU16(port.rawValue)
            writer.uncheckedZeros(6)
            writer.uncheckedU32(queueID)
        case .vendor(let vendor, let body):
            writer.uncheckedU32(vendor)
            try writer.bytes(body)
            try writer.zeros(length - 8 - body.count)
        }
    }
}

/// Action lists as they sit in FLOW_MOD, PACKET_OUT and flow stats.
@usableFromInline
enum ActionList {
    static func decode(_ bytes: ArraySlice<UInt8>) throws(OpenFlowError) -> [Action] {
        var reader = ByteReader(bytes, truncated: OpenFlowError.badActionLength(UInt16(truncatingIfNeeded: bytes.count)))
        var actions: [Action] = []
        while !reader.isAtEnd {
            actions.append(try Action.decode(from: &reader))
        }
        return actions
    }

    @inlinable
    static func wireLength(_ actions: [Action]) -> Int {
        var total = 0
        for index in actions.indices { total += actions[index].wireLength }
        return total
    }

    static func encode(_ actions: [Action], into writer: inout ByteWriter) throws(WireError) {
        // By index, so each action is borrowed in place rather than copied out (and
        // destroyed) by an iterator.
        for index in actions.indices { try actions[index].encode(into: &writer) }
    }
}
