import Wire

/// `ofp_desc_stats`: five NUL-padded strings describing the switch.
public struct DescStats: Hashable, Sendable {
    public static let length = 1056
    public var manufacturer: String
    public var hardware: String
    public var software: String
    public var serialNumber: String
    public var datapath: String

    public init(manufacturer: String, hardware: String, software: String, serialNumber: String, datapath: String) {
        self.manufacturer = manufacturer
        self.hardware = hardware
        self.software = software
        self.serialNumber = serialNumber
        self.datapath = datapath
    }

    static func decode(_ reader: inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> DescStats {
        DescStats(
            manufacturer: try reader.fixedString(256), hardware: try reader.fixedString(256),
            software: try reader.fixedString(256), serialNumber: try reader.fixedString(32),
            datapath: try reader.fixedString(256))
    }

    func encode(into writer: inout ByteWriter) throws(WireError) {
        try writer.fixedString(manufacturer, width: 256)
        try writer.fixedString(hardware, width: 256)
        try writer.fixedString(software, width: 256)
        try writer.fixedString(serialNumber, width: 32)
        try writer.fixedString(datapath, width: 256)
    }
}

/// `ofp_flow_stats`: one flow entry (88 bytes plus its actions).
public struct FlowStats: Hashable, Sendable {
    public var tableID: UInt8
    public var match: Match
    public var durationSeconds: UInt32
    public var durationNanoseconds: UInt32
    public var priority: UInt16
    public var idleTimeout: UInt16
    public var hardTimeout: UInt16
    public var cookie: UInt64
    public var packetCount: UInt64
    public var byteCount: UInt64
    public var actions: [Action]

    public init(
        tableID: UInt8, match: Match, durationSeconds: UInt32, durationNanoseconds: UInt32,
        priority: UInt16, idleTimeout: UInt16, hardTimeout: UInt16, cookie: UInt64,
        packetCount: UInt64, byteCount: UInt64, actions: [Action]
    ) {
        self.tableID = tableID
        self.match = match
        self.durationSeconds = durationSeconds
        self.durationNanoseconds = durationNanoseconds
        self.priority = priority
        self.idleTimeout = idleTimeout
        self.hardTimeout = hardTimeout
        self.cookie = cookie
        self.packetCount = packetCount
        self.byteCount = byteCount
        self.actions = actions
    }

    var wireLength: Int { 88 + ActionList.wireLength(actions) }

    static func decode(_ reader: inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> FlowStats {
        let length = try reader.u16()
        guard length >= 88 else { throw .badLength(.statsReply) }
        let table = try reader.u8()
        try reader.skip(1)
        let match = try Match(from: &reader)
        let seconds = try reader.u32()
        let nanoseconds = try reader.u32()
        let priority = try reader.u16()
        let idle = try reader.u16()
        let hard = try reader.u16()
        try reader.skip(6)
        let cookie = try reader.u64()
        let packets = try reader.u64()
        let bytes = try reader.u64()
        let actions = try ActionList.decode(try reader.bytes(Int(length) - 88))
        return FlowStats(
            tableID: table, match: match, durationSeconds: seconds, durationNanoseconds: nanoseconds,
            priority: priority, idleTimeout: idle, hardTimeout: hard, cookie: cookie,
            packetCount: packets, byteCount: bytes, actions: actions)
    }

    func encode(into writer: inout ByteWriter) throws(WireError) {
        try writer.u16(UInt16(truncatingIfNeeded: wireLength))
        try writer.u8(tableID)
        try writer.u8(0)
        try match.encode(into: &writer)
        try writer.u32(durationSeconds)
        try writer.u32(durationNanoseconds)
        try writer.u16(priority)
        try writer.u16(idleTimeout)
        try writer.u16(hardTimeout)
        try writer.zeros(6)
        try writer.u64(cookie)
        try writer.u64(packetCount)
        try writer.u64(byteCount)
        try ActionList.encode(actions, into: &writer)
    }
}

/// `ofp_aggregate_stats_reply`.
public struct AggregateStats: Hashable, Sendable {
    public static let length = 24
    public var packetCount: UInt64
    public var byteCount: UInt64
    public var flowCount: UInt32

    public init(packetCount: UInt64, byteCount: UInt64, flowCount: UInt32) {
        self.packetCount = packetCount
        self.byteCount = byteCount
        self.flowCount = flowCount
    }

    static func decode(_ reader: inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> AggregateStats {
        let packets = try reader.u64()
        let bytes = try reader.u64()
        let flows = try reader.u32()
        try reader.skip(4)
        return AggregateStats(packetCount: packets, byteCount: bytes, flowCount: flows)
    }

    func encode(into writer: inout ByteWriter) throws(WireError) {
        try writer.u64(packetCount)
        try writer.u64(byteCount)
        try writer.u32(flowCount)
        try writer.zeros(4)
    }
}

/// `ofp_table_stats` (64 bytes).
public struct TableStats: Hashable, Sendable {
    public static let length = 64
    public var tableID: UInt8
    public var name: String
    /// Wildcards the table supports.
    public var wildcards: Wildcards
    public var maxEntries: UInt32
    public var activeCount: UInt32
    public var lookupCount: UInt64
    public var matchedCount: UInt64

    public init(tableID: UInt8, name: String, wildcards: Wildcards, maxEntries: UInt32, activeCount: UInt32, lookupCount: UInt64, matchedCount: UInt64) {
        self.tableID = tableID
        self.name = name
        self.wildcards = wildcards
        self.maxEntries = maxEntries
        self.activeCount = activeCount
        self.lookupCount = lookupCount
        self.matchedCount = matchedCount
    }

    static func decode(_ reader: inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> TableStats {
        let id = try reader.u8()
        try reader.skip(3)
        let name = try reader.fixedString(32)
        return TableStats(
            tableID: id, name: name, wildcards: Wildcards(rawValue: try reader.u32()),
            maxEntries: try reader.u32(), activeCount: try reader.u32(),
            lookupCount: try reader.u64(), matchedCount: try reader.u64())
    }

    func encode(into writer: inout ByteWriter) throws(WireError) {
        try writer.u8(tableID)
        try writer.zeros(3)
        try writer.fixedString(name, width: 32)
        try writer.u32(wildcards.rawValue)
        try writer.u32(maxEntries)
        try writer.u32(activeCount)
        try writer.u64(lookupCount)
        try writer.u64(matchedCount)
    }
}

/// `ofp_port_stats` (104 bytes). All-ones in a counter means "not available".
public struct PortStats: Hashable, Sendable {
    public static let length = 104
    public var portNumber: PortNumber
    public var rxPackets: UInt64 = 0
    public var txPackets: UInt64 = 0
    public var rxBytes: UInt64 = 0
    public var txBytes: UInt64 = 0
    public var rxDropped: UInt64 = 0
    public var txDropped: UInt64 = 0
    public var rxErrors: UInt64 = 0
    public var txErrors: UInt64 = 0
    public var rxFrameErrors: UInt64 = 0
    public var rxOverErrors: UInt64 = 0
    public var rxCRCErrors: UInt64 = 0
    public var collisions: UInt64 = 0

    public init(portNumber: PortNumber) { self.portNumber = portNumber }

    static func decode(_ reader: inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> PortStats {
        var stats = PortStats(portNumber: PortNumber(try reader.u16()))
        try reader.skip(6)
        stats.rxPackets = try reader.u64()
        stats.txPackets = try reader.u64()
        stats.rxBytes = try reader.u64()
        stats.txBytes = try reader.u64()
        stats.rxDropped = try reader.u64()
        stats.txDropped = try reader.u64()
        stats.rxErrors = try reader.u64()
        stats.txErrors = try reader.u64()
        stats.rxFrameErrors = try reader.u64()
        stats.rxOverErrors = try reader.u64()
        stats.rxCRCErrors = try reader.u64()
        stats.collisions = try reader.u64()
        return stats
    }

    func encode(into writer: inout ByteWriter) throws(WireError) {
        try writer.u16(portNumber.rawValue)
        try writer.zeros(6)
        for counter in [rxPackets, txPackets, rxBytes, txBytes, rxDropped, txDropped, rxErrors, txErrors, rxFrameErrors, rxOverErrors, rxCRCErrors, collisions] {
            try writer.u64(counter)
        }
    }
}

/// `ofp_queue_stats` (32 bytes).
public struct QueueStats: Hashable, Sendable {
    public static let length = 32
    public var portNumber: PortNumber
    public var queueID: UInt32
    public var txBytes: UInt64
    public var txPackets: UInt64
    public var txErrors: UInt64

    public init(portNumber: PortNumber, queueID: UInt32, txBytes: UInt64, txPackets: UInt64, txErrors: UInt64) {
        self.portNumber = portNumber
        self.queueID = queueID
        self.txBytes = txBytes
        self.txPackets = txPackets
        self.txErrors = txErrors
    }

    static func decode(_ reader: inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> QueueStats {
        let port = PortNumber(try reader.u16())
        try reader.skip(2)
        return QueueStats(
            portNumber: port, queueID: try reader.u32(), txBytes: try reader.u64(),
            txPackets: try reader.u64(), txErrors: try reader.u64())
    }

    func encode(into writer: inout ByteWriter) throws(WireError) {
        try writer.u16(portNumber.rawValue)
        try writer.u16(0)
        try writer.u32(queueID)
        try writer.u64(txBytes)
        try writer.u64(txPackets)
        try writer.u64(txErrors)
    }
}
