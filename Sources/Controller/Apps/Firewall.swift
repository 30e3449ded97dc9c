import OpenFlow

/// Enforces a `FirewallPolicy` in the switch and at the controller, in front of a
/// forwarding app such as `LearningSwitch`.
///
/// On datapath up it installs one flow per rule, priorities counting down from
/// `FirewallPolicy.topPriority` in file order so the first matching rule wins in the
/// switch too: deny rules drop (no actions); allow rules send the packet to the
/// controller (the next app then forwards it). With default allow, an allow rule is
/// installed only when a deny rule follows it (otherwise the table miss already goes
/// to the controller); with default deny, every allow rule is, plus a drop-everything
/// flow at priority 0. Forwarding apps' exact-match flows outrank these wildcard flows
/// (OpenFlow 1.0), but they are only ever installed for allowed packets.
///
/// At the controller, a packet_in the policy denies is consumed, so the next app never
/// floods or learns it; a buffered one is released with an empty PACKET_OUT. Allowed
/// packet_ins pass on.
public struct Firewall: ControllerApp {
    public let policy: FirewallPolicy

    public init(policy: FirewallPolicy) {
        self.policy = policy
    }

    /// The flows installed on every datapath, highest priority first.
    public var flows: [FlowMod] {
        var flows: [FlowMod] = []
        let rules = policy.rules
        let lastDeny = rules.lastIndex { $0.verdict == .deny }
        for (index, rule) in rules.enumerated() {
            let priority = FirewallPolicy.topPriority - UInt16(index)
            switch rule.verdict {
            case .deny:
                flows.append(FlowMod(match: rule.match, command: .add, priority: priority))
            case .allow:
                guard policy.defaultVerdict == .deny || (lastDeny.map { index < $0 } ?? false) else { continue }
                flows.append(
                    FlowMod(
                        match: rule.match, command: .add, priority: priority,
                        actions: [.output(port: .controller, maxLength: UInt16.max)]))
            }
        }
        if policy.defaultVerdict == .deny {
            flows.append(FlowMod(match: Match(), command: .add, priority: 0))
        }
        return flows
    }

    public mutating func handle(_ event: ControllerEvent, _ context: inout AppContext) -> AppVerdict {
        switch event {
        case .datapathUp(let info):
            for flow in flows { context.send(.flowMod(flow), to: info.id) }
            return .continue
        case .packetIn(let datapath, let packetIn):
            let packet = Match(frame: packetIn.data, inPort: packetIn.inPort)
            guard policy.verdict(for: packet) == .deny else { return .continue }
            if packetIn.bufferID != BufferID.none {
                context.send(.packetOut(PacketOut(bufferID: packetIn.bufferID, inPort: packetIn.inPort, actions: [])), to: datapath)
            }
            return .consumed
        default:
            return .continue
        }
    }
}
