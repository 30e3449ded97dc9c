import Wire

/// OFPT_QUEUE_GET_CONFIG_REQUEST: the queues of one port.
public struct QueueGetConfigRequest: Hashable, Sendable, MessageBody {
    public var port: PortNumber
    public init(port: PortNumber) { self.port = port }

    static func decode(_ reader: inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> QueueGetConfigRequest {
        let port = PortNumber(try reader.u16())
        try reader.skip(2)
        return QueueGetConfigRequest(port: port)
    }
    @usableFromInline var bodyLength: Int { 4 }
    func encodeBody(into writer: inout ByteWriter) throws(WireError) {
        try writer.u16(port.rawValue)
        try writer.u16(0)
    }
}

/// A queue property (`ofp_queue_prop_header` and what follows it).
public enum QueueProperty: Hashable, Sendable {
    /// OFPQT_NONE.
    case none
    /// OFPQT_MIN_RATE, in 1/10 of a percent; above 1000 means disabled.
    case minRate(UInt16)
    /// A property type 1.0 does not define, kept whole. Encoding pads the body with zeros
    /// to a multiple of 8 bytes.
    case unknown(type: UInt16, body: ArraySlice<UInt8>)

    var wireLength: Int {
        switch self {
        case .none: 8
        case .minRate: 16
        case .unknown(_, let body): (8 + body.count + 7) & ~7
        }
    }

    static func decode(_ reader: inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> QueueProperty {
        let type = try reader.u16()
        let length = try reader.u16()
        try reader.skip(4)
        guard length >= 8, length % 8 == 0 else { throw .badLength(.queueGetConfigReply) }
        let body = try reader.bytes(Int(length) - 8)
        switch type {
        case 0:
            guard length == 8 else { throw .badLength(.queueGetConfigReply) }
            return .none
        case 1:
            guard length == 16 else { throw .badLength(.queueGetConfigReply) }
            return .minRate(UInt16(body[body.startIndex]) << 8 | UInt16(body[body.startIndex + 1]))
        default:
            return .unknown(type: type, body: body)
        }
    }

    func encode(into writer: inout ByteWriter) throws(WireError) {
        switch self {
        case .none:
            try writer.u16(0)
            try writer.u16(8)
            try writer.zeros(4)
        case .minRate(let rate):
            try writer.u16(1)
            try writer.u16(16)
            try writer.zeros(4)
            try writer.u16(rate)
            try writer.zeros(6)
        case .unknown(let type, let body):
            try writer.u16(type)
            try writer.u16(UInt16(truncatingIfNeeded: wireLength))
            try writer.zeros(4)
            try writer.bytes(body)
            try writer.zeros(wireLength - 8 - body.count)
        }
    }
}

/// `ofp_packet_queue`: one queue and its properties.
public struct PacketQueue: Hashable, Sendable {
    public var queueID: UInt32
    public var properties: [QueueProperty]

    public init(queueID: UInt32, properties: [QueueProperty]) {
        self.queueID = queueID
        self.properties = properties
    }

    var wireLength: Int {
        var total = 8
        for property in properties { total += property.wireLength }
        return total
    }
}

/// OFPT_QUEUE_GET_CONFIG_REPLY.
public struct QueueGetConfigReply: Hashable, Sendable, MessageBody {
    public var port: PortNumber
    public var queues: [PacketQueue]

    public init(port: PortNumber, queues: [PacketQueue]) {
        self.port = port
        self.queues = queues
    }

    static func decode(_ reader: inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> QueueGetConfigReply {
        let port = PortNumber(try reader.u16())
        try reader.skip(6)
        var queues: [PacketQueue] = []
        while !reader.isAtEnd {
            let queueID = try reader.u32()
            let length = try reader.u16()
            try reader.skip(2)
            guard length >= 8 else { throw .badLength(.queueGetConfigReply) }
            var properties = ByteReader(try reader.bytes(Int(length) - 8), truncated: OpenFlowError.badLength(.queueGetConfigReply))
            var queue = PacketQueue(queueID: queueID, properties: [])
            while !properties.isAtEnd { queue.properties.append(try QueueProperty.decode(&properties)) }
            queues.append(queue)
        }
        return QueueGetConfigReply(port: port, queues: queues)
    }
    @usableFromInline var bodyLength: Int {
        var total = 8
        for queue in queues { total += queue.wireLength }
        return total
    }
    func encodeBody(into writer: inout ByteWriter) throws(WireError) {
        try writer.u16(port.rawValue)
        try writer.zeros(6)
        for queue in queues {
            try writer.u32(queue.queueID)
            try writer.u16(UInt16(truncatingIfNeeded: queue.wireLength))
            try writer.zeros(2)
            for property in queue.properties { try property.encode(into: &writer) }
        }
    }
}
