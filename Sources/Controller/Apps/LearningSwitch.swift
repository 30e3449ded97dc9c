import OpenFlow
import Scheduler
import Wire

/// An Ethernet learning switch, one MAC table per datapath, like ovs-testcontroller's.
///
/// - Learns each packet's source MAC on its in_port (physical ports and LOCAL; never a
///   multicast source). A MAC seen on a new port has moved: the table follows, and
///   flows toward it through the old port are deleted.
/// - Unknown, broadcast and multicast destinations are flooded with PACKET_OUT; no
///   flow is installed for them.
/// - A known destination gets an exact-match flow (`Match(frame:inPort:)`, as
///   ovs-testcontroller installs; written straight from the frame into the FLOW_MOD)
///   with the idle timeout. The FLOW_MOD carries the buffer id when the switch
///   buffered the packet, which then needs nothing more; an unbuffered packet (Open
///   vSwitch sends all with 0xffffffff) also gets a PACKET_OUT.
/// - A destination on the packet's own in_port gets an exact-match drop flow (no
///   actions): a packet is never sent back where it came from.
/// - A port that goes down (deleted, link down, or administratively down) forgets its
///   MACs, and flows out of it are deleted (FLOW_MOD DELETE with out_port).
/// - Every packet_in is handled, whatever its reason (unlike ovs-testcontroller, which
///   ignores OFPR_ACTION), so packets a `Firewall` allow flow sends up get forwarded.
/// - Packet_ins are consumed: the apps after this one do not see them.
public struct LearningSwitch: ControllerApp {
    public struct Settings: Hashable, Sendable {
        /// Seconds an installed flow lives without traffic (ovs-testcontroller: 60).
        public var idleTimeout: UInt16 = 60
        public var hardTimeout: UInt16 = 0
        public var priority: UInt16 = FlowMod.defaultPriority
        /// MACs kept per datapath; at the limit a new MAC evicts an arbitrary old one,
        /// so a flood of random source addresses cannot grow memory without bound.
        public var macLimit: Int = 8192
        /// Keys the MAC tables' hash (see `MACPortTable`): random per process in the
        /// tools and images, fixed by default so tests repeat.
        public var hashSeed: UInt64 = 0x4C45_4152_4E49_4E47

        public init() {}
    }

    public let settings: Settings
    /// One MAC table per datapath, by datapath id. Keyed by the hash seed too: switches
    /// choose their ids.
    private var tables: IntegerDictionary<MACPortTable>
    /// The forwarding FLOW_MOD, encoded once; match, buffer id and output port are
    /// rewritten per packet.
    private var forward: FlowModTemplate
    /// The same with no actions, for a destination on the packet's own port.
    private var drop: FlowModTemplate
    private var packetOut = PacketOutTemplate()

    public init(settings: Settings = Settings()) {
        self.settings = settings
        tables = IntegerDictionary(seed: settings.hashSeed)
        var flow = FlowMod(
            match: Match(), command: .add, idleTimeout: settings.idleTimeout,
            hardTimeout: settings.hardTimeout, priority: settings.priority,
            actions: [.output(port: .none)])
        // Both encode: a fixed-size FLOW_MOD with at most one action fits any message.
        forward = try! FlowModTemplate(flow)
        flow.actions = []
        drop = try! FlowModTemplate(flow)
    }

    /// The port `mac` was learned on, in `datapath`'s table.
    public func port(of mac: MACAddress, on datapath: DatapathID) -> PortNumber? {
        tables[datapath.rawValue]?[mac]
    }

    public mutating func handle(_ event: ControllerEvent, _ context: inout AppContext) -> AppVerdict {
        switch event {
        case .packetIn(let datapath, let packetIn):
            if let port = forward(packetIn.data, inPort: packetIn.inPort, bufferID: packetIn.bufferID, on: datapath, &context) {
                packetOut.send(packetIn, to: port, on: datapath, &context)
            }
            return .consumed
        case .datapathUp(let info):
            tables[info.id.rawValue] = newTable()
        case .datapathDown(let datapath):
            tables[datapath.rawValue] = nil
        case .portStatus(let datapath, let status):
            let port = status.port
            if status.reason == .delete || port.state.contains(.linkDown) || port.config.contains(.portDown) {
                portWentDown(port.portNumber, on: datapath, &context)
            }
        default:
            break
        }
        return .continue
    }

    /// Learns the source and installs the flow toward a known destination. Returns the
    /// port a PACKET_OUT must send the packet to (flood, or the destination's port when
    /// the switch did not buffer it), nil when the flow took the buffered packet. It
    /// takes the packet_in's fields rather than the message: passing the message made
    /// the compiler copy it twice (through its value witnesses) on every call.
    private mutating func forward(
        _ data: ArraySlice<UInt8>, inPort: PortNumber, bufferID: UInt32, on datapath: DatapathID,
        _ context: inout AppContext
    ) -> PortNumber? {
        let (destination, source) = Self.addresses(data)
        let table = tableIndex(datapath)
        let known: PortNumber?
        if !source.isMulticast, inPort.isPhysical || inPort == .local {
            let (previous, found) = tables[at: table].update(source, port: inPort, lookingUp: destination)
            if let previous, previous != inPort { forgetFlows(toward: source, through: previous, datapath, &context) }
            known = found
        } else {
            known = tables[at: table].lookUp(destination)
        }
        guard !destination.isMulticast, let outPort = known else { return .flood }
        if outPort == inPort {
            drop.setExactMatch(of: data, inPort: inPort)
            drop.setBufferID(bufferID)
            context.send(encoded: drop.bytes, to: datapath)
            return nil
        }
        forward.setExactMatch(of: data, inPort: inPort)
        forward.setBufferID(bufferID)
        forward.setOutputPort(outPort)
        context.send(encoded: forward.bytes, to: datapath)
        return bufferID == BufferID.none ? outPort : nil
    }

    /// The frame's destination and source MACs, both zero when it is shorter than an
    /// Ethernet header (as `FrameLayout` leaves them): all the learning needs, read
    /// without parsing the rest.
    private static func addresses(_ frame: borrowing ArraySlice<UInt8>) -> (MACAddress, MACAddress) {
        frame.withUnsafeBytes { p in
            guard p.count >= EthernetHeader.length else { return (.zero, .zero) }
            return (p.mac(0), p.mac(6))
        }
    }

    /// The position of `datapath`'s table, made on its first packet if need be.
    private mutating func tableIndex(_ datapath: DatapathID) -> Int {
        tables.position(of: datapath.rawValue) ?? tables.insert(datapath.rawValue, newTable())
    }

    /// A host moved: flows toward it still lead out of `port`, where it was.
    private func forgetFlows(toward mac: MACAddress, through port: PortNumber, _ datapath: DatapathID, _ context: inout AppContext) {
        var toHost = FlowMod(match: Match(wildcards: Wildcards.all.subtracting(.dlDst), dlDst: mac), command: .delete)
        toHost.outPort = port
        context.send(.flowMod(toHost), to: datapath)
    }

    private func newTable() -> MACPortTable { MACPortTable(limit: settings.macLimit, seed: settings.hashSeed) }

    private mutating func portWentDown(_ port: PortNumber, on datapath: DatapathID, _ context: inout AppContext) {
        if let table = tables.position(of: datapath.rawValue) {
            tables[at: table].removeAll(onPort: port)
        }
        context.send(.flowMod(FlowMod(match: Match(), command: .delete, outPort: port)), to: datapath)
    }
}
