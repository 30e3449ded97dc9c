import OpenFlow
import Scheduler
import Wire

/// A port of a datapath: one end of a link, or where a host is attached.
public struct PortLocation: Hashable, Sendable, Comparable {
    public var datapath: DatapathID
    public var port: PortNumber

    public init(_ datapath: DatapathID, _ port: PortNumber) {
        self.datapath = datapath
        self.port = port
    }

    public static func < (a: PortLocation, b: PortLocation) -> Bool {
        (a.datapath, a.port) < (b.datapath, b.port)
    }
}

/// What discovery knows, as a value a REST layer can copy and list: the switches and
/// their ports, the links between them, and the hosts at their edges. The three lists
/// have the shape Ryu's topology API returns (`/v1.0/topology/switches`, `links`,
/// `hosts`): a port is a datapath id, a port number, a MAC and a name.
public struct Topology: Sendable {
    /// A unidirectional link, as LLDP finds it: a probe sent out of `source` came in at
    /// `destination`. A cable is two links, one each way.
    public struct Link: Hashable, Sendable, Comparable {
        public var source: PortLocation
        public var destination: PortLocation

        public init(source: PortLocation, destination: PortLocation) {
            self.source = source
            self.destination = destination
        }

        public static func < (a: Link, b: Link) -> Bool { (a.source, a.destination) < (b.source, b.destination) }
    }

    public struct Host: Hashable, Sendable {
        public var mac: MACAddress
        public var location: PortLocation

        public init(mac: MACAddress, location: PortLocation) {
            self.mac = mac
            self.location = location
        }
    }

    /// A port that is up, and since when it has been probed: until a probe period has
    /// passed, nobody knows whether a switch or a host is behind it.
    public struct Port: Hashable, Sendable {
        public var phyPort: PhyPort
        public var probedSince: Instant
    }

    private struct LinkState: Sendable {
        var destination: PortLocation
        var lastSeen: Instant
    }

    /// The ports that are up, per connected switch.
    public private(set) var switches: [DatapathID: [PortNumber: Port]] = [:]
    private var linksBySource: [PortLocation: LinkState] = [:]
    private var sourceByDestination: [PortLocation: PortLocation] = [:]
    private var hostLocations: [MACAddress: PortLocation] = [:]
    /// Bumped whenever a link appears or goes: forwarding recomputes its paths on it.
    public private(set) var linkRevision: UInt64 = 0

    public init() {}

    // MARK: Queries

    /// Every switch with its ports in order, switches in datapath order.
    public var switchList: [(id: DatapathID, ports: [PhyPort])] {
        switches.keys.sorted().map { id in (id, switches[id]!.keys.sorted().map { switches[id]![$0]!.phyPort }) }
    }

    public var links: [Link] {
        linksBySource.map { Link(source: $0.key, destination: $0.value.destination) }.sorted()
    }

    public var hosts: [Host] {
        hostLocations.map { Host(mac: $0.key, location: $0.value) }.sorted { $0.mac < $1.mac }
    }

    public var linkCount: Int { linksBySource.count }

    public func host(_ mac: MACAddress) -> PortLocation? { hostLocations[mac] }

    /// True when a link in either direction ends at this port: a switch is behind it.
    public func isLinkPort(_ location: PortLocation) -> Bool {
        linksBySource[location] != nil || sourceByDestination[location] != nil
    }

    /// The port, if it is up on a connected switch.
    public func port(_ location: PortLocation) -> Port? { switches[location.datapath]?[location.port] }

    // MARK: Changes, made by discovery

    mutating func addSwitch(_ id: DatapathID, ports: [PhyPort], now: Instant) {
        removeSwitch(id)
        var table: [PortNumber: Port] = [:]
        for port in ports where Self.isUsable(port) { table[port.portNumber] = Port(phyPort: port, probedSince: now) }
        switches[id] = table
    }

    mutating func removeSwitch(_ id: DatapathID) {
        guard let ports = switches.removeValue(forKey: id) else { return }
        for number in ports.keys { forgetPort(PortLocation(id, number)) }
    }

    /// Applies a PORT_STATUS; true when the port is newly up and wants a probe.
    mutating func apply(_ status: PortStatus, on id: DatapathID, now: Instant) -> Bool {
        guard switches[id] != nil else { return false }
        let location = PortLocation(id, status.port.portNumber)
        guard status.reason != .delete, Self.isUsable(status.port) else {
            if switches[id]!.removeValue(forKey: location.port) != nil { forgetPort(location) }
            return false
        }
        let isNew = switches[id]![location.port] == nil
        switches[id]![location.port] = Port(phyPort: status.port, probedSince: switches[id]![location.port]?.probedSince ?? now)
        return isNew
    }

    /// Records a probe from `source` seen at `destination`; both must be known ports.
    mutating func learnLink(from source: PortLocation, to destination: PortLocation, now: Instant) {
        guard port(source) != nil, port(destination) != nil, source != destination else { return }
        if let known = linksBySource[source], known.destination == destination {
            linksBySource[source]!.lastSeen = now
            return
        }
        removeLink(from: source)
        if let other = sourceByDestination[destination] { removeLink(from: other) }
        linksBySource[source] = LinkState(destination: destination, lastSeen: now)
        sourceByDestination[destination] = source
        // What was taken for hosts behind these ports were the neighbours' hosts.
        hostLocations = hostLocations.filter { $0.value != source && $0.value != destination }
        linkRevision &+= 1
    }

    /// Drops the links not seen since `cutoff`. Their ports, still up, start a new probe
    /// period: a cable whose probes were lost is not taken for a host at once.
    mutating func expireLinks(before cutoff: Instant, now: Instant) {
        for (source, link) in linksBySource where link.lastSeen < cutoff {
            removeLink(from: source)
            for end in [source, link.destination] { switches[end.datapath]?[end.port]?.probedSince = now }
        }
    }

    /// Records where `mac` was seen; returns where it was before when it moved. Ports
    /// with a switch behind them, and unknown ports, teach nothing.
    mutating func learnHost(_ mac: MACAddress, at location: PortLocation, limit: Int) -> PortLocation? {
        guard port(location) != nil, !isLinkPort(location) else { return nil }
        guard let known = hostLocations[mac] else {
            if hostLocations.count < limit { hostLocations[mac] = location }
            return nil
        }
        guard known != location else { return nil }
        hostLocations[mac] = location
        return known
    }

    private mutating func forgetPort(_ location: PortLocation) {
        removeLink(from: location)
        if let source = sourceByDestination[location] { removeLink(from: source) }
        hostLocations = hostLocations.filter { $0.value != location }
    }

    private mutating func removeLink(from source: PortLocation) {
        guard let link = linksBySource.removeValue(forKey: source) else { return }
        sourceByDestination[link.destination] = nil
        linkRevision &+= 1
    }

    /// Physical and up: the LOCAL port and ports that are down carry no links or hosts.
    private static func isUsable(_ port: PhyPort) -> Bool {
        port.portNumber.isPhysical && !port.state.contains(.linkDown) && !port.config.contains(.portDown)
    }
}
