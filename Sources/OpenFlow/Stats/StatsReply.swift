import Wire

/// OFPT_STATS_REPLY. A long answer is split over several replies with the same xid,
/// each but the last flagged REPLY_MORE.
public struct StatsReply: Hashable, Sendable, MessageBody {
    public enum Body: Hashable, Sendable {
        case desc(DescStats)
        case flow([FlowStats])
        case aggregate(AggregateStats)
        case table([TableStats])
        case port([PortStats])
        case queue([QueueStats])
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

    public var flags: StatsReplyFlags
    public var body: Body

    public init(_ body: Body, flags: StatsReplyFlags = []) {
        self.body = body
        self.flags = flags
    }

    static func decode(_ reader: inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> StatsReply {
        let type = StatsType(rawValue: try reader.u16())
        let flags = StatsReplyFlags(rawValue: try reader.u16())
        let body: Body
        switch type {
        case .desc: body = .desc(try DescStats.decode(&reader))
        case .flow:
            var entries: [FlowStats] = []
            while !reader.isAtEnd { entries.append(try FlowStats.decode(&reader)) }
            body = .flow(entries)
        case .aggregate: body = .aggregate(try AggregateStats.decode(&reader))
        case .table: body = .table(try Self.entries(&reader, size: TableStats.length, TableStats.decode))
        case .port: body = .port(try Self.entries(&reader, size: PortStats.length, PortStats.decode))
        case .queue: body = .queue(try Self.entries(&reader, size: QueueStats.length, QueueStats.decode))
        case .vendor:
            let vendor = try reader.u32()
            body = .vendor(vendor: vendor, body: reader.rest())
        default:
            throw .badStatsType(type.rawValue)
        }
        guard reader.isAtEnd else { throw .badLength(.statsReply) }
        return StatsReply(body, flags: flags)
    }

    /// Fixed-size entries filling the rest of the body exactly.
    private static func entries<T>(
        _ reader: inout ByteReader<OpenFlowError>, size: Int,
        _ decode: (inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> T
    ) throws(OpenFlowError) -> [T] {
        guard reader.remaining % size == 0 else { throw .badLength(.statsReply) }
        var entries: [T] = []
        entries.reserveCapacity(reader.remaining / size)
        while !reader.isAtEnd { entries.append(try decode(&reader)) }
        return entries
    }

    @usableFromInline var bodyLength: Int {
        switch body {
        case .desc: return 4 + DescStats.length
        case .flow(let entries):
            var total = 4
            for entry in entries { total += entry.wireLength }
            return total
        case .aggregate: return 4 + AggregateStats.length
        case .table(let entries): return 4 + entries.count * TableStats.length
        case .port(let entries): return 4 + entries.count * PortStats.length
        case .queue(let entries): return 4 + entries.count * QueueStats.length
        case .vendor(_, let bytes): return 8 + bytes.count
        }
    }

    func encodeBody(into writer: inout ByteWriter) throws(WireError) {
        try writer.u16(body.type.rawValue)
        try writer.u16(flags.rawValue)
        switch body {
        case .desc(let desc): try desc.encode(into: &writer)
        case .flow(let entries): for entry in entries { try entry.encode(into: &writer) }
        case .aggregate(let aggregate): try aggregate.encode(into: &writer)
        case .table(let entries): for entry in entries { try entry.encode(into: &writer) }
        case .port(let entries): for entry in entries { try entry.encode(into: &writer) }
        case .queue(let entries): for entry in entries { try entry.encode(into: &writer) }
        case .vendor(let vendor, let bytes):
            try writer.u32(vendor)
            try writer.bytes(bytes)
        }
    }
}
