import OpenFlow
import Wire

/// Answers every packet_in with the same FLOW_MOD ADD, carrying the packet's buffer id:
/// no lookup, no learning. It measures the framework's own cost per packet_in (cbench
/// counts one response per FLOW_MOD ADD), the baseline the other apps compare with; the
/// FLOW_MOD is a template, as the learning switch's are.
public struct NullApp: ControllerApp {
    private var flowMod: FlowModTemplate

    public init() {
        let flow = FlowMod(
            match: Match(
                wildcards: .exact, inPort: PortNumber(1), dlSrc: MACAddress(rawValue: 1),
                dlDst: MACAddress(rawValue: 2), dlVLAN: Match.vlanNone, dlType: EtherType.ipv4.rawValue),
            command: .add, idleTimeout: 60, actions: [.output(port: PortNumber(2))])
        flowMod = try! FlowModTemplate(flow)  // fixed size, far below the 64 KB limit
    }

    public mutating func handle(_ event: ControllerEvent, _ context: inout AppContext) -> AppVerdict {
        guard case .packetIn(let datapath, let packetIn) = event else { return .continue }
        flowMod.setBufferID(packetIn.bufferID)
        context.send(encoded: flowMod.bytes, to: datapath)
        return .consumed
    }
}
