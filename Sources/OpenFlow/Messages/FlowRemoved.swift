import Wire

/// `ofp_flow_removed_reason`.
public struct FlowRemovedReason: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt8
    @inlinable public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let idleTimeout = FlowRemovedReason(rawValue: 0)
    public static let hardTimeout = FlowRemovedReason(rawValue: 1)
    public static let delete = FlowRemovedReason(rawValue: 2)
}

/// OFPT_FLOW_REMOVED: a flow left the table, with its final counters.
public struct FlowRemoved: Hashable, Sendable, MessageBody {
    public var match: Match
    public var cookie: UInt64
    public var priority: UInt16
    public var reason: FlowRemovedReason
    public var durationSeconds: UInt32
    public var durationNanoseconds: UInt32
    public var idleTimeout: UInt16
    public var packetCount: UInt64
    public var byteCount: UInt64

    public init(
        match: Match, cookie: UInt64, priority: UInt16, reason: FlowRemovedReason,
        durationSeconds: UInt32, durationNanoseconds: UInt32, idleTimeout: UInt16,
        packetCount: UInt64, byteCount: UInt64
    ) {
        self.match = match
        self.cookie = cookie
        self.priority = priority
        self.reason = reason
        self.durationSeconds = durationSeconds
        self.durationNanoseconds = durationNanoseconds
        self.idleTimeout = idleTimeout
        self.packetCount = packetCount
        self.byteCount = byteCount
    }

    static func decode(_ reader: inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> FlowRemoved {
        let match = try Match(from: &reader)
        let cookie = try reader.u64()
        let priority = try reader.u16()
        let reason = FlowRemovedReason(rawValue: try reader.u8())
        try reader.skip(1)
        let seconds = try reader.u32()
        let nanoseconds = try reader.u32()
        let idle = try reader.u16()
        try reader.skip(2)
        return FlowRemoved(
            match: match, cookie: cookie, priority: priority, reason: reason,
            durationSeconds: seconds, durationNanoseconds: nanoseconds, idleTimeout: idle,
            packetCount: try reader.u64(), byteCount: try reader.u64())
    }
    @usableFromInline var bodyLength: Int { 80 }
    func encodeBody(into writer: inout ByteWriter) throws(WireError) {
        try match.encode(into: &writer)
        try writer.u64(cookie)
        try writer.u16(priority)
        try writer.u8(reason.rawValue)
        try writer.u8(0)
        try writer.u32(durationSeconds)
        try writer.u32(durationNanoseconds)
        try writer.u16(idleTimeout)
        try writer.u16(0)
        try writer.u64(packetCount)
        try writer.u64(byteCount)
    }
}
