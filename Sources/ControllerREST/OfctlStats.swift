import Controller
import OpenFlow

/// Stats answers as ofctl_rest's JSON (`ofctl_v1_0.get_*_stats`, `get_port_desc`):
/// each wrapped by the caller in `{"<dpid>": ...}`, the dpid in decimal.
public enum OfctlStats {
    public static func desc(_ desc: DescStats) -> [String: Any] {
        [
            "mfr_desc": desc.manufacturer, "hw_desc": desc.hardware, "sw_desc": desc.software,
            "serial_num": desc.serialNumber, "dp_desc": desc.datapath,
        ]
    }

    /// Flow entries, the ones at another priority left out when `priority` is given.
    public static func flows(_ flows: [FlowStats], priority: UInt16? = nil) -> [[String: Any]] {
        flows.filter { priority == nil || $0.priority == priority }.map { flow in
            [
                "priority": Int(flow.priority), "cookie": flow.cookie,
                "idle_timeout": Int(flow.idleTimeout), "hard_timeout": Int(flow.hardTimeout),
                "actions": flow.actions.map(OfctlAction.text), "match": OfctlMatch.json(flow.match),
                "byte_count": flow.byteCount, "duration_sec": Int(flow.durationSeconds),
                "duration_nsec": Int(flow.durationNanoseconds), "packet_count": flow.packetCount,
                "table_id": table(flow.tableID),
            ]
        }
    }

    /// A list of one, as Ryu answers.
    public static func aggregate(_ stats: AggregateStats) -> [[String: Any]] {
        [["packet_count": stats.packetCount, "byte_count": stats.byteCount, "flow_count": Int(stats.flowCount)]]
    }

    public static func tables(_ tables: [TableStats]) -> [[String: Any]] {
        tables.map { table in
            [
                "table_id": Self.table(table.tableID), "name": table.name,
                "wildcards": wildcardNames(table.wildcards), "max_entries": Int(table.maxEntries),
                "active_count": Int(table.activeCount), "lookup_count": table.lookupCount,
                "matched_count": table.matchedCount,
            ]
        }
    }

    public static func ports(_ ports: [PortStats]) -> [[String: Any]] {
        ports.map { port in
            [
                "port_no": OfctlPort.json(port.portNumber),
                "rx_packets": port.rxPackets, "tx_packets": port.txPackets,
                "rx_bytes": port.rxBytes, "tx_bytes": port.txBytes,
                "rx_dropped": port.rxDropped, "tx_dropped": port.txDropped,
                "rx_errors": port.rxErrors, "tx_errors": port.txErrors,
                "rx_frame_err": port.rxFrameErrors, "rx_over_err": port.rxOverErrors,
                "rx_crc_err": port.rxCRCErrors, "collisions": port.collisions,
            ]
        }
    }

    /// The registry's ports (from FEATURES_REPLY and PORT_STATUS), in port order.
    public static func portDescriptions(_ ports: [PhyPort]) -> [[String: Any]] {
        ports.sorted { $0.portNumber < $1.portNumber }.map { port in
            [
                "port_no": OfctlPort.json(port.portNumber), "hw_addr": port.hardwareAddress.description,
                "name": port.name, "config": Int(port.config.rawValue), "state": Int(port.state.rawValue),
                "curr": Int(port.current.rawValue), "advertised": Int(port.advertised.rawValue),
                "supported": Int(port.supported.rawValue), "peer": Int(port.peer.rawValue),
            ]
        }
    }

    /// Table 0xff is "ALL", as Ryu's `ofp_table_to_user` writes it.
    private static func table(_ id: UInt8) -> Any { id == FlowStatsRequest.allTables ? "ALL" : Int(id) }

    /// The OFPFW_ names of the wildcards a table supports. (Ryu's own list tests `1 << flag`
    /// rather than the flag and so names the wrong bits; the names here are the set ones.)
    private static func wildcardNames(_ wildcards: Wildcards) -> [String] {
        let flags: [(Wildcards, String)] = [
            (.inPort, "IN_PORT"), (.dlVLAN, "DL_VLAN"), (.dlSrc, "DL_SRC"), (.dlDst, "DL_DST"),
            (.dlType, "DL_TYPE"), (.nwProto, "NW_PROTO"), (.tpSrc, "TP_SRC"), (.tpDst, "TP_DST"),
            (.dlVLANPCP, "DL_VLAN_PCP"), (.nwTOS, "NW_TOS"),
        ]
        var names = flags.filter { wildcards.contains($0.0) }.map(\.1)
        if wildcards.nwSrcWildcardBits >= 32 { names.append("NW_SRC_ALL") }
        if wildcards.nwDstWildcardBits >= 32 { names.append("NW_DST_ALL") }
        return names
    }
}
