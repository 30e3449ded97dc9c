import OpenFlow
import Scheduler
import Wire

/// Loop-safe forwarding over a discovered topology (`--app topology`): the switches may
/// be wired in rings, which a learning switch floods into a broadcast storm.
///
/// - `TopologyDiscovery` runs inside it and sees every event first (so LLDP never
///   reaches the forwarding, and hosts are learned only at the network's edge).
/// - A known unicast destination gets a flow on every switch of a shortest path (BFS
///   over the links) from the switch that asked, matching dl_src and dl_dst, with the
///   idle timeout and `Settings.cookie`; then the packet goes out of the first hop.
/// - Broadcast, multicast and unknown destinations are flooded hop by hop along a
///   spanning tree (BFS from the lowest datapath id): each switch that gets the packet
///   sends it, with one PACKET_OUT listing its ports, out of its tree links and its
///   edge ports, never back in and never over a link outside the tree. A flood that
///   arrives over a link outside the tree is dropped. The controller names the ports
///   rather than setting OFPPC_NO_FLOOD with PORT_MOD and using OFPP_FLOOD: that would
///   change the switches' own configuration behind their operators' backs, leave it
///   wrong when the controller goes, and race the tree changes it would have to follow.
/// - A port is an edge port once it has been probed for `TopologyDiscovery.Settings`'
///   `probeInterval` with no probe coming back; until then no flood goes out of it, as
///   an undiscovered link in a ring is how a storm starts.
/// - When a link appears or goes, the tree and the paths are recomputed and every flow
///   the app installed is deleted on every switch, to be learned again on the next
///   packets. OpenFlow 1.0 cannot delete by cookie (cookie masks came with 1.1), so the
///   app deletes by the destination MACs it installed flows for: a DELETE matching only
///   dl_dst, which leaves alone the flows of other apps that do not match on dl_dst
///   (a firewall's on IP fields). A host that moves has the flows toward it deleted the
///   same way, and a switch that reconnects has them all deleted: it missed the flushes
///   while it was away.
public struct ShortestPathSwitch: ControllerApp {
    public struct Settings: Hashable, Sendable {
        public var idleTimeout: UInt16 = 60
        public var priority: UInt16 = FlowMod.defaultPriority
        /// Marks the app's flows in flow dumps ("TOPO" in ASCII).
        public var cookie: UInt64 = 0x544F_504F
        public var discovery = TopologyDiscovery.Settings()

        public init() {}
    }

    public let settings: Settings
    public private(set) var discovery: TopologyDiscovery
    public var topology: Topology { discovery.topology }

    /// The topology revision the tree and routes below were computed for.
    private var revision: UInt64 = 0
    private var graph = LinkGraph()
    private var treePorts: Set<PortLocation> = []
    /// First hops toward each destination switch, computed when first asked for.
    private var routes: [DatapathID: [DatapathID: LinkGraph.Hop]] = [:]
    /// Destination MACs the app has installed flows toward, flushed on every change and
    /// on every switch that connects; kept until they pass the host limit.
    private var routedMACs: Set<MACAddress> = []
    private var flow: FlowModTemplate
    private var toPort = PacketOutTemplate()
    private var flood = PacketOut(actions: [])

    public init(settings: Settings = Settings()) {
        self.settings = settings
        discovery = TopologyDiscovery(settings: settings.discovery)
        // Encodes: a fixed-size FLOW_MOD with one action fits any message.
        flow = try! FlowModTemplate(
            FlowMod(
                match: Match(), cookie: settings.cookie, command: .add, idleTimeout: settings.idleTimeout,
                priority: settings.priority, actions: [.output(port: .none)]))
        flood.actions.reserveCapacity(16)
    }

    /// The ports floods may use between switches (both ends of each tree link).
    public var spanningTree: Set<PortLocation> { treePorts }

    public var tickDeadline: Instant? { discovery.tickDeadline }

    public mutating func tick(_ context: inout AppContext) {
        discovery.tick(&context)
        followTopology(&context)
    }

    public mutating func handle(_ event: ControllerEvent, _ context: inout AppContext) -> AppVerdict {
        guard case .packetIn(let datapath, let packetIn) = event else {
            let verdict = discovery.handle(event, &context)
            followTopology(&context)
            if case .datapathUp(let info) = event {
                // A switch back from a disconnection missed the flushes since it left.
                for mac in routedMACs { context.send(.flowMod(Self.flush(toward: mac)), to: info.id) }
            }
            return verdict
        }
        let layout = FrameLayout(frame: packetIn.data)
        let before = topology.host(layout.source)
        if discovery.handle(event, &context) == .consumed {
            followTopology(&context)
            return .consumed
        }
        if let before, let after = topology.host(layout.source), after != before {
            flushFlows(toward: layout.source, &context)
        }
        forward(packetIn, layout, on: datapath, &context)
        return .consumed
    }

    private mutating func forward(_ packetIn: PacketIn, _ layout: FrameLayout, on datapath: DatapathID, _ context: inout AppContext) {
        let here = PortLocation(datapath, packetIn.inPort)
        guard !layout.destination.isMulticast, let target = topology.host(layout.destination) else {
            floodAlongTree(packetIn, from: here, &context)
            return
        }
        if target == here { return }  // never back where it came from
        if routes[target.datapath] == nil { routes[target.datapath] = graph.hops(toward: target.datapath) }
        guard target.datapath == datapath || routes[target.datapath]![datapath] != nil else {
            floodAlongTree(packetIn, from: here, &context)  // no path (yet): reach it as a broadcast would
            return
        }
        flow.setMatch(Match(wildcards: Wildcards.all.subtracting([.dlSrc, .dlDst]), dlSrc: layout.source, dlDst: layout.destination))
        routedMACs.insert(layout.destination)
        var at = datapath
        var firstPort = PortNumber.none
        // The hops lead to the target, each switch once; the bound only guards the walk.
        for _ in 0...topology.switches.count {
            let hop = at == target.datapath ? nil : routes[target.datapath]![at]
            if hop == nil, at != target.datapath { break }
            let out = hop?.port ?? target.port
            flow.setOutputPort(out)
            flow.setBufferID(at == datapath ? packetIn.bufferID : BufferID.none)
            context.send(encoded: flow.bytes, to: at)
            if at == datapath { firstPort = out }
            guard let hop else { break }
            at = hop.next
        }
        if packetIn.bufferID == BufferID.none {
            toPort.send(packetIn, to: firstPort, on: datapath, &context)
        }
    }

    private mutating func floodAlongTree(_ packetIn: PacketIn, from here: PortLocation, _ context: inout AppContext) {
        if topology.isLinkPort(here), !treePorts.contains(here) { return }
        guard let ports = topology.switches[here.datapath] else { return }
        flood.actions.removeAll(keepingCapacity: true)
        for (number, port) in ports where number != here.port {
            let location = PortLocation(here.datapath, number)
            let isLink = topology.isLinkPort(location)
            if isLink ? treePorts.contains(location) : port.probedSince + settings.discovery.probeInterval <= context.now {
                flood.actions.append(.output(port: number))
            }
        }
        guard !flood.actions.isEmpty else { return }
        if packetIn.bufferID == BufferID.none {
            guard packetIn.data.count >= Int(packetIn.totalLength) else { return }
            flood.data = packetIn.data
        }
        flood.bufferID = packetIn.bufferID
        flood.inPort = here.port
        context.send(.packetOut(flood), to: here.datapath)
        flood.data = []  // let go of the receive buffer
    }

    /// After discovery saw an event: when the links changed, a new tree and new routes,
    /// and the old paths' flows deleted everywhere.
    private mutating func followTopology(_ context: inout AppContext) {
        guard topology.linkRevision != revision else { return }
        revision = topology.linkRevision
        graph = LinkGraph(topology)
        treePorts = graph.spanningTreePorts()
        routes.removeAll(keepingCapacity: true)
        for mac in routedMACs { flushFlows(toward: mac, &context) }
        if routedMACs.count > settings.discovery.hostLimit { routedMACs.removeAll(keepingCapacity: true) }
    }

    private func flushFlows(toward mac: MACAddress, _ context: inout AppContext) {
        for id in topology.switches.keys { context.send(.flowMod(Self.flush(toward: mac)), to: id) }
    }

    /// Deletes every flow matching only dl_dst = `mac` or more: the app's flows toward it.
    private static func flush(toward mac: MACAddress) -> FlowMod {
        FlowMod(match: Match(wildcards: Wildcards.all.subtracting(.dlDst), dlDst: mac), command: .delete)
    }
}
