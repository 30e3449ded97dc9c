import Controller
import OpenFlow
import Scheduler
import Testing

struct StatsMonitorTests {
    static func flow(packets: UInt64, bytes: UInt64) -> FlowStats {
        FlowStats(
            tableID: 0, match: Match(), durationSeconds: 1, durationNanoseconds: 0, priority: 1,
            idleTimeout: 0, hardTimeout: 0, cookie: 0, packetCount: packets, byteCount: bytes, actions: [])
    }

    static func port(_ number: UInt16, rx: UInt64, tx: UInt64) -> PortStats {
        var stats = PortStats(portNumber: PortNumber(number))
        stats.rxPackets = rx
        stats.rxBytes = rx * 100
        stats.txPackets = tx
        stats.txBytes = tx * 100
        return stats
    }

    static func monitoredSwitch(_ datapath: UInt64) -> FakeSwitch {
        var fake = FakeSwitch(datapathID: datapath)
        fake.statsReply = { request in
            switch request.body {
            case .flow: [.flow([flow(packets: 3, bytes: 300)]), .flow([flow(packets: 4, bytes: 400)])]
            case .port: [.port([port(1, rx: 5, tx: 6), port(2, rx: 1, tx: 2)])]
            default: []
            }
        }
        return fake
    }

    /// Every interval, flow and port stats from each datapath, one log line each, and
    /// the replies go no further down the chain.
    @Test func pollsEachDatapathAndLogsASummary() {
        var sim = Simulation(AppChain(StatsMonitor(interval: .seconds(10)), Recorder()))
        let first = sim.connect(Self.monitoredSwitch(1))
        let second = sim.connect(Self.monitoredSwitch(2))
        sim.advance(by: .milliseconds(9_999))
        #expect(sim.switches[first]!.count(.statsRequest) == 0)
        sim.advance(by: .milliseconds(1))
        for id in [first, second] {
            let requests = sim.switches[id]!.received.compactMap { message -> StatsType? in
                if case .statsRequest(let request) = message.message { request.body.type } else { nil }
            }
            #expect(requests == [.flow, .port])
        }
        let lines = sim.log.filter { $0.message.hasPrefix("stats ") }.map(\.message)
        #expect(
            lines == [
                "stats 0000000000000001: 2 flows, 7 packets, 700 bytes; 2 ports, rx 6/600 tx 8/800 packets/bytes, 0 dropped, 0 errors",
                "stats 0000000000000002: 2 flows, 7 packets, 700 bytes; 2 ports, rx 6/600 tx 8/800 packets/bytes, 0 dropped, 0 errors",
            ])
        #expect(sim.core.app.second.seen.count == 2)  // the two datapath ups, no stats replies
        sim.advance(by: .seconds(20))
        #expect(sim.switches[first]!.count(.statsRequest) == 6)
    }

    @Test func idleWithoutDatapaths() {
        var sim = Simulation(StatsMonitor())
        #expect(sim.core.nextDeadline == nil)
        let id = sim.connect(Self.monitoredSwitch(1))
        sim.disconnect(id)
        sim.advance(by: .seconds(10))
        #expect(sim.core.nextDeadline == nil)
    }

    @Test func unansweredPollIsLogged() {
        var settings = ControllerSettings()
        settings.requestTimeout = .seconds(2)
        var sim = Simulation(StatsMonitor(interval: .seconds(5)), settings: settings)
        var fake = Self.monitoredSwitch(1)
        fake.statsReply = { _ in [] }
        sim.connect(fake)
        sim.advance(by: .seconds(7))
        #expect(sim.loggedAny(containing: "stats 0000000000000001: no answer"))
    }
}
