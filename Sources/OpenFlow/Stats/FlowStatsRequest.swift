import Wire

/// `ofp_flow_stats_request`, also the body of an aggregate request.
public struct FlowStatsRequest: Hashable, Sendable {
    public static let length = 44
    /// `table_id` meaning every table.
    public static let allTables: UInt8 = 0xFF

    public var match: Match
    public var tableID: UInt8
    /// Only flows with an output action to this port (OFPP_NONE: any).
    public var outPort: PortNumber

    public init(match: Match = Match(), tableID: UInt8 = FlowStatsRequest.allTables, outPort: PortNumber = .none) {
        self.match = match
        self.tableID = tableID
        self.outPort = outPort
    }

    static func decode(_ reader: inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> FlowStatsRequest {
        let match = try Match(from: &reader)
        let table = try reader.u8()
        try reader.skip(1)
        return FlowStatsRequest(match: match, tableID: table, outPort: PortNumber(try reader.u16()))
    }

    func encode(into writer: inout ByteWriter) throws(WireError) {
        try match.encode(into: &writer)
        try writer.u8(tableID)
        try writer.u8(0)
        try writer.u16(outPort.rawValue)
    }
}
