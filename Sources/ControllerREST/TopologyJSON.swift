import Controller
import OpenFlow

/// The topology app's view as Ryu's topology REST API writes it (`Switch`, `Link`,
/// `Host` and `Port.to_dict` in ryu/topology/switches.py): dpids as 16 hex digits,
/// port numbers as 8. Hosts carry no addresses here: discovery learns MACs only.
public enum TopologyJSON {
    public static func switches(_ topology: Topology, only datapath: DatapathID? = nil) -> [[String: Any]] {
        topology.switchList.filter { datapath == nil || $0.id == datapath }.map { entry in
            ["dpid": dpid(entry.id), "ports": entry.ports.map { port($0, on: entry.id) }]
        }
    }

    public static func links(_ topology: Topology, only datapath: DatapathID? = nil) -> [[String: Any]] {
        topology.links.filter { datapath == nil || $0.source.datapath == datapath }.compactMap { link in
            guard let source = port(topology, link.source), let destination = port(topology, link.destination) else { return nil }
            return ["src": source, "dst": destination]
        }
    }

    public static func hosts(_ topology: Topology, only datapath: DatapathID? = nil) -> [[String: Any]] {
        topology.hosts.filter { datapath == nil || $0.location.datapath == datapath }.compactMap { host in
            guard let port = port(topology, host.location) else { return nil }
            return ["mac": host.mac.description, "ipv4": [String](), "ipv6": [String](), "port": port]
        }
    }

    /// A dpid in a topology path: 16 hex digits, as Ryu's `str_to_dpid` takes it.
    public static func datapath(parsing text: String) -> DatapathID? {
        guard !text.isEmpty, text.count <= 16, let value = UInt64(text, radix: 16) else { return nil }
        return DatapathID(value)
    }

    /// A port still up on its switch; a link or host whose port just went is left out
    /// (discovery forgets them with it).
    private static func port(_ topology: Topology, _ location: PortLocation) -> [String: Any]? {
        topology.port(location).map { port($0.phyPort, on: location.datapath) }
    }

    private static func port(_ port: PhyPort, on datapath: DatapathID) -> [String: Any] {
        [
            "dpid": dpid(datapath), "port_no": hex(UInt64(port.portNumber.rawValue), digits: 8),
            "hw_addr": port.hardwareAddress.description, "name": port.name,
        ]
    }

    private static func dpid(_ id: DatapathID) -> String { hex(id.rawValue, digits: 16) }

    private static func hex(_ value: UInt64, digits: Int) -> String {
        let text = String(value, radix: 16)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
