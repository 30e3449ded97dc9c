import Controller
import OpenFlow
import Scheduler
import Testing

/// Chains: static (`AppChain`), run-time (`[BuiltinApp]`), and their timers.
struct CompositionTests {
    /// Consumes packet_ins and counts what it saw.
    struct Sink: ControllerApp {
        var packetIns = 0
        mutating func handle(_ event: ControllerEvent, _ context: inout AppContext) -> AppVerdict {
            guard case .packetIn = event else { return .continue }
            packetIns += 1
            return .consumed
        }
    }

    /// Wants a tick at a fixed instant and counts them.
    struct Alarm: ControllerApp {
        var at: Instant?
        var rang = 0
        var tickDeadline: Instant? { at }
        mutating func tick(_ context: inout AppContext) {
            rang += 1
            at = nil
        }
    }

    static let frame = Frames.ethernet(src: Frames.host(1), dst: Frames.host(2))

    @Test func consumedEventsStopTheChain() {
        var sim = Simulation(AppChain(Recorder(), AppChain(Sink(), Recorder())))
        let id = sim.connect(FakeSwitch(datapathID: 1))
        sim.withSwitch(id) { $0.sendPacketIn(Self.frame, inPort: 1) }
        sim.run()
        #expect(sim.core.app.first.seen.count == 2)
        #expect(sim.core.app.second.first.packetIns == 1)
        #expect(sim.core.app.second.second.seen == [.up(DatapathID(1), ports: 3)])
    }

    @Test func arrayChainRunsInOrder() {
        var sim = Simulation([Sink(), Sink()])
        let id = sim.connect(FakeSwitch(datapathID: 1))
        sim.withSwitch(id) { $0.sendPacketIn(Self.frame, inPort: 1) }
        sim.run()
        #expect(sim.core.app.map(\.packetIns) == [1, 0])
    }

    /// The CLI's `--app firewall --app learning --app stats`, as `[BuiltinApp]`.
    @Test func builtinChainAtRunTime() throws {
        let apps: [BuiltinApp] = [
            .firewall(Firewall(policy: try FirewallPolicy(parsing: "deny dl_src=00:00:5e:00:53:03"))),
            .learningSwitch(LearningSwitch()),
            .statsMonitor(StatsMonitor(interval: .seconds(5))),
        ]
        var sim = Simulation(apps)
        let id = sim.connect(FakeSwitch(datapathID: 1))
        #expect(sim.switches[id]!.flowMods.count == 1)
        sim.withSwitch(id) {
            $0.forgetReceived()
            $0.sendPacketIn(Frames.ethernet(src: Frames.host(3), dst: Frames.host(1)), inPort: 3)
            $0.sendPacketIn(Frames.ethernet(src: Frames.host(1), dst: Frames.host(2)), inPort: 1)
            $0.sendPacketIn(Frames.ethernet(src: Frames.host(2), dst: Frames.host(1)), inPort: 2)
        }
        sim.run()
        #expect(sim.switches[id]!.received.map(\.type) == [.packetOut, .flowMod, .packetOut])
        #expect(sim.core.nextDeadline == Instant.zero + .seconds(5))
        sim.advance(by: .seconds(5))
        #expect(sim.switches[id]!.count(.statsRequest) == 2)
        guard let learning = sim.core.app[1].learningSwitch else {
            Issue.record("the chain changed shape")
            return
        }
        #expect(learning.port(of: Frames.host(2), on: DatapathID(1)) == PortNumber(2))
        #expect(learning.port(of: Frames.host(3), on: DatapathID(1)) == nil)
    }

    @Test func appTimersFoldIntoTheCoreDeadline() {
        var sim = Simulation(AppChain(Alarm(at: Instant.zero + .seconds(3)), Alarm(at: Instant.zero + .seconds(7))))
        #expect(sim.core.nextDeadline == Instant.zero + .seconds(3))
        sim.advance(by: .seconds(5))
        #expect(sim.core.app.first.rang == 1)
        #expect(sim.core.app.second.rang == 0)
        #expect(sim.core.nextDeadline == Instant.zero + .seconds(7))
        sim.advance(by: .seconds(5))
        #expect(sim.core.app.second.rang == 1)
        #expect(sim.core.nextDeadline == nil)
    }
}
