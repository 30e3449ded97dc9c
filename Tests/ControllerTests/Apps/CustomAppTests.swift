import Controller
import OpenFlow
import Testing
import Wire

/// The README's example of a new app: one small file, in front of the learning switch.
/// It drops one host's traffic in every switch, and keeps that host's packet_ins from
/// the apps behind it.
struct BlockHost: ControllerApp {
    var host: MACAddress

    mutating func handle(_ event: ControllerEvent, _ context: inout AppContext) -> AppVerdict {
        switch event {
        case .datapathUp(let datapath):
            let match = Match(wildcards: Wildcards.all.subtracting(.dlSrc), dlSrc: host)
            context.send(.flowMod(FlowMod(match: match, command: .add, priority: 50_000)), to: datapath.id)
        case .packetIn(_, let packetIn) where FrameLayout(frame: packetIn.data).source == host:
            return .consumed
        default:
            break
        }
        return .continue
    }
}

struct CustomAppTests {
    @Test func blockHostComposesWithLearning() {
        let blocked = MACAddress("00:00:5e:00:53:03")!
        var sim = Simulation(AppChain(BlockHost(host: blocked), LearningSwitch()))
        let id = sim.connect(FakeSwitch(datapathID: 1))
        #expect(sim.switches[id]!.flowMods.map(\.match.dlSrc) == [blocked])
        sim.withSwitch(id) {
            $0.forgetReceived()
            $0.sendPacketIn(Frames.ethernet(src: blocked, dst: .broadcast), inPort: 3)
            $0.sendPacketIn(Frames.ethernet(src: Frames.host(1), dst: .broadcast), inPort: 1)
        }
        sim.run()
        #expect(sim.switches[id]!.packetOuts.map(\.inPort) == [PortNumber(1)])
    }
}
