import OpenFlow
import Scheduler
import Wire

/// Learns the topology: switches from the registry, links from LLDP probes, hosts from
/// the packets they send.
///
/// - A probe (`LLDPFrame`) goes out of every port that is up, as a PACKET_OUT: when a
///   switch connects, when a port comes up, and every `probeInterval`.
/// - A probe coming back in a PACKET_IN is a link, source port to in port. Every LLDP
///   PACKET_IN is consumed, ours or not: LLDP is never forwarded. A link not seen for
///   `linkLifetime` is dropped, as are the links of a port that goes down or is
///   deleted and of a switch that disconnects.
/// - Any other PACKET_IN teaches where its unicast source MAC lives, unless it came in
///   on a port with a switch behind it; it goes on to the apps after this one.
public struct TopologyDiscovery: ControllerApp {
    public struct Settings: Hashable, Sendable {
        public var probeInterval: Interval = .seconds(1)
        /// Links not seen for this long are dropped: three probe periods, so a lost probe
        /// or two do not break the paths over a link.
        public var linkLifetime: Interval = .seconds(3)
        /// Hosts kept at most; beyond it new MACs are not learned.
        public var hostLimit: Int = 8192

        public init() {}
    }

    public let settings: Settings
    public private(set) var topology = Topology()
    /// LLDP frames that were not probes of ours (see `LLDPError`), counted not logged:
    /// anyone on the wire can send them.
    public private(set) var foreignLLDP: UInt64 = 0
    private var nextProbe: Instant?
    /// The link revision last logged: each change of the links gets one info line.
    private var loggedRevision: UInt64 = 0
    private var frame: [UInt8] = []
    private var packetOut = PacketOut(actions: [.output(port: .none)])

    public init(settings: Settings = Settings()) {
        self.settings = settings
        frame.reserveCapacity(64)
    }

    public var tickDeadline: Instant? { nextProbe }

    public mutating func tick(_ context: inout AppContext) {
        let now = context.now.nanoseconds
        topology.expireLinks(before: Instant(nanoseconds: now - min(now, settings.linkLifetime.nanoseconds)), now: context.now)
        for (id, ports) in topology.switches {
            for (number, port) in ports { probe(PortLocation(id, number), from: port.phyPort.hardwareAddress, &context) }
        }
        nextProbe = topology.switches.isEmpty ? nil : context.now + settings.probeInterval
        logChanges(&context)
    }

    public mutating func handle(_ event: ControllerEvent, _ context: inout AppContext) -> AppVerdict {
        defer { logChanges(&context) }
        switch event {
        case .packetIn(let datapath, let packetIn):
            return received(packetIn, on: datapath, context.now)
        case .datapathUp(let info):
            topology.addSwitch(info.id, ports: info.ports, now: context.now)
            for (number, port) in topology.switches[info.id]! {
                probe(PortLocation(info.id, number), from: port.phyPort.hardwareAddress, &context)
            }
            if nextProbe == nil { nextProbe = context.now + settings.probeInterval }
        case .datapathDown(let datapath):
            topology.removeSwitch(datapath)
        case .portStatus(let datapath, let status):
            if topology.apply(status, on: datapath, now: context.now) {
                probe(PortLocation(datapath, status.port.portNumber), from: status.port.hardwareAddress, &context)
            }
        default:
            break
        }
        return .continue
    }

    private mutating func received(_ packetIn: PacketIn, on datapath: DatapathID, _ now: Instant) -> AppVerdict {
        let data = packetIn.data
        guard data.count >= 14 else { return .continue }
        let start = data.startIndex
        let here = PortLocation(datapath, packetIn.inPort)
        guard UInt16(data[start + 12]) << 8 | UInt16(data[start + 13]) == EtherType.lldp.rawValue else {
            let source = MACAddress(data[(start + 6)..<(start + 12)])
            if !source.isMulticast { _ = topology.learnHost(source, at: here, limit: settings.hostLimit) }
            return .continue
        }
        do throws(LLDPError) {
            let probe = try LLDPFrame(parsing: data)
            topology.learnLink(from: PortLocation(probe.datapath, probe.port), to: here, now: now)
        } catch {
            foreignLLDP &+= 1
        }
        return .consumed
    }

    private mutating func logChanges(_ context: inout AppContext) {
        guard topology.linkRevision != loggedRevision else { return }
        loggedRevision = topology.linkRevision
        context.log(
            .info,
            "topology: " + String(topology.linkCount) + " links between " + String(topology.switches.count) + " switches")
    }

    /// One probe out of one port; the frame buffer and the PACKET_OUT are reused.
    private mutating func probe(_ location: PortLocation, from source: MACAddress, _ context: inout AppContext) {
        LLDPFrame(datapath: location.datapath, port: location.port).encode(source: source, into: &frame)
        packetOut.actions[0] = .output(port: location.port)
        packetOut.data = frame[...]
        context.send(.packetOut(packetOut), to: location.datapath)
        packetOut.data = []  // the next encode then writes the buffer in place
    }
}
