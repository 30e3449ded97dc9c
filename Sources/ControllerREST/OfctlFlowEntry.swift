import Controller
import OpenFlow

/// The bodies of `POST /stats/flowentry/{add,modify,modify_strict,delete,delete_strict}`
/// and `POST /stats/flow/<dpid>`, read as `ofctl_v1_0.mod_flow_entry` and
/// `get_flow_stats` read them, with the same defaults.
public enum OfctlFlowEntry {
    /// The FLOW_MOD a flowentry body asks for, and the datapath it is for.
    public static func flowMod(_ body: Any?, command: FlowModCommand) throws(RESTError) -> (DatapathID, FlowMod) {
        let object = try JSONFields.object(body, field: "body")
        guard let rawDatapath = object["dpid"] else { throw .badRequest("dpid: missing") }
        let datapath = DatapathID(try JSONFields.integer(rawDatapath, field: "dpid", as: UInt64.self))
        func integer<T: FixedWidthInteger>(_ key: String, default value: T) throws(RESTError) -> T {
            guard let raw = object[key] else { return value }
            return try JSONFields.integer(raw, field: key)
        }
        let flowMod = FlowMod(
            match: try OfctlMatch.parse(object["match"]),
            cookie: try integer("cookie", default: 0),
            command: command,
            idleTimeout: try integer("idle_timeout", default: 0),
            hardTimeout: try integer("hard_timeout", default: 0),
            priority: try integer("priority", default: FlowMod.defaultPriority),
            bufferID: try integer("buffer_id", default: BufferID.none),
            outPort: try object["out_port"].map { (raw) throws(RESTError) in try OfctlPort.parse(raw, field: "out_port") } ?? .none,
            flags: FlowModFlags(rawValue: try integer("flags", default: 0)),
            actions: try OfctlAction.parse(object["actions"]))
        return (datapath, flowMod)
    }

    /// The FLOW_MOD of `DELETE /stats/flowentry/clear/<dpid>`: every flow, any table.
    public static var clear: FlowMod { FlowMod(match: Match(), command: .delete) }

    /// A flow stats query: the request, and the priority Ryu filters the answer by
    /// (OpenFlow cannot), nil for any. No body asks for everything.
    public static func flowQuery(_ body: Any?) throws(RESTError) -> (FlowStatsRequest, priority: UInt16?) {
        guard let body else { return (FlowStatsRequest(), nil) }
        let object = try JSONFields.object(body, field: "body")
        var request = FlowStatsRequest(match: try OfctlMatch.parse(object["match"]))
        if let raw = object["table_id"] {
            request.tableID = raw as? String == "ALL" ? FlowStatsRequest.allTables : try JSONFields.integer(raw, field: "table_id")
        }
        if let raw = object["out_port"] { request.outPort = try OfctlPort.parse(raw, field: "out_port") }
        let priority = try object["priority"].map { (raw) throws(RESTError) -> UInt16 in try JSONFields.integer(raw, field: "priority") }
        return (request, priority)
    }
}
