import Wire

/// OFPT_STATS_REQUEST.
public struct StatsRequest: Hashable, Sendable, MessageBody {
    public enum Body: Hashable, Sendable {
        case desc
        case flow(FlowStatsRequest)
        case aggregate(FlowStatsRequest)
        case table
        /// Counters of one port, or of all with OFPP_NONE.
        case port(PortNumber)
        /// One queue or all (QueueID.all) of one port or all (OFPP_ALL).
        case queue(port: PortNumber, queueID: UInt32)
        case vendor(vendor: UInt32, body: ArraySlice<UInt8>)

        public var type: StatsType {
            switch self {
            case .desc: .desc
            case .flow: .flow
            case .aggregate: .aggregate
            case .table: .table
            case .port: .port
            case .queue: .queue
            case .vendor: .vendor
            }
        }
    }

    /// No flags are defined for requests; kept as received.
    public var flags: UInt16
    public var body: Body

    public init(_ body: Body, flags: UInt16 = 0) {
        self.body = body
        self.flags = flags
    }

    static func decode(_ reader: inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> StatsRequest {
        let type = StatsType(rawValue: try reader.u16())
        let flags = try reader.u16()
        let body: Body
        switch type {
        case .desc: body = .desc
        case .flow: body = .flow(try FlowStatsRequest.decode(&reader))
        case .aggregate: body = .aggregate(try FlowStatsRequest.decode(&reader))
        case .table: body = .table
        case .port:
            let port = PortNumber(try reader.u16())
            try reader.skip(6)
            body = .port(port)
        case .queue:
            let port = PortNumber(try reader.u16())
            try reader.skip(2)
            body = .queue(port: port, queueID: try reader.u32())
        case .vendor:
            let vendor = try reader.u32()
            body = .vendor(vendor: vendor, body: reader.rest())
        default:
            throw .badStatsType(type.rawValue)
        }
        guard reader.isAtEnd else { throw .badLength(.statsRequest) }
        return StatsRequest(body, flags: flags)
    }

    @usableFromInline var bodyLength: Int {
        switch body {
        case .desc, .table: 4
        case .flow, .aggregate: 4 + FlowStatsRequest.length
        case .port, .queue: 12
        case .vendor(_, let bytes): 8 + bytes.count
        }
    }

    func encodeBody(into writer: inout ByteWriter) throws(WireError) {
        try writer.u16(body.type.rawValue)
        try writer.u16(flags)
        switch body {
        case .desc, .table: break
        case .flow(let request), .aggregate(let request): try request.encode(into: &writer)
        case .port(let port):
            try writer.u16(port.rawValue)
            try writer.zeros(6)
        case .queue(let port, let queueID):
            try writer.u16(port.rawValue)
            try writer.u16(0)
            try writer.u32(queueID)
        case .vendor(let vendor, let bytes):
            try writer.u32(vendor)
            try writer.bytes(bytes)
        }
    }
}
