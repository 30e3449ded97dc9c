import Controller
import OpenFlow
import Scheduler
import Testing

/// Who may connect and stay: connections per source address, handshakes in progress,
/// and the datapath allow-list.
struct AdmissionTests {
    typealias Sim = Simulation<Recorder>

    static func silent() -> FakeSwitch {
        var fake = FakeSwitch(datapathID: 99)
        fake.sendsHello = false
        fake.answersFeatures = false
        return fake
    }

    @Test func oneSourceCannotTakeEverySlot() {
        var settings = ControllerSettings()
        settings.connectionsPerSource = 2
        var sim = Sim(Recorder(), settings: settings)
        let first = sim.connect(FakeSwitch(datapathID: 1), peer: "10.0.0.5:40001")
        let second = sim.connect(FakeSwitch(datapathID: 2), peer: "10.0.0.5:40002")
        let third = sim.connect(FakeSwitch(datapathID: 3), peer: "10.0.0.5:40003")
        let elsewhere = sim.connect(FakeSwitch(datapathID: 4), peer: "10.0.0.6:40001")
        #expect(sim.closedByCore == [third])
        #expect(!sim.closedByCore.contains(first) && !sim.closedByCore.contains(second) && !sim.closedByCore.contains(elsewhere))
        #expect(sim.core.counters.switches == 3)
        #expect(sim.loggedAny(containing: "refused: 2 connections from 10.0.0.5 already"))
        // A slot freed is a slot for the next one.
        sim.disconnect(first)
        sim.connect(FakeSwitch(datapathID: 5), peer: "10.0.0.5:40004")
        #expect(sim.core.counters.switches == 3)
    }

    @Test func silentConnectionsMakeRoomForANewOne() {
        var settings = ControllerSettings()
        settings.handshakesInProgress = 3
        var sim = Sim(Recorder(), settings: settings)
        let idle = (1...4).map { port in sim.connect(Self.silent(), peer: "10.0.0.9:" + String(port)) }
        // Not silent for long enough yet: nobody is closed for the limit.
        #expect(sim.closedByCore.isEmpty)
        sim.advance(by: .milliseconds(1100))
        let real = sim.connect(FakeSwitch(datapathID: 1), peer: "10.0.0.1:5000")
        #expect(sim.closedByCore == [idle[0], idle[1]])
        #expect(!sim.closedByCore.contains(real))
        #expect(sim.core.counters.switches == 1)
        #expect(sim.loggedAny(containing: "handshake limit (3 in progress): closed 2 connections silent"))
        // Switches that are up do not count against the limit.
        for datapath: UInt64 in 2...5 { sim.connect(FakeSwitch(datapathID: datapath)) }
        #expect(sim.core.counters.switches == 5)
        #expect(sim.closedByCore.count == 2)
    }

    @Test func switchesThatConnectTogetherAndSpeakAreNeverClosedForTheLimit() {
        var settings = ControllerSettings()
        settings.handshakesInProgress = 3
        var sim = Sim(Recorder(), settings: settings)
        for datapath: UInt64 in 1...8 { sim.connect(FakeSwitch(datapathID: datapath), run: false) }
        sim.run()
        #expect(sim.closedByCore.isEmpty)
        #expect(sim.core.counters.switches == 8)
    }

    @Test func onlyAllowedDatapathsStay() {
        var settings = ControllerSettings()
        settings.allowedDatapaths = [DatapathID(1), DatapathID(3)]
        var sim = Sim(Recorder(), settings: settings)
        let allowed = sim.connect(FakeSwitch(datapathID: 1))
        let refused = sim.connect(FakeSwitch(datapathID: 2))
        #expect(sim.closedByCore == [refused])
        #expect(sim.core.datapath(DatapathID(1))?.connection == allowed)
        #expect(sim.core.datapath(DatapathID(2)) == nil)
        #expect(sim.loggedAny(containing: "datapath 0000000000000002 down: refused: not in the allow-list"))
        // The apps never heard of the refused one.
        #expect(!sim.core.app.seen.contains { if case .up(DatapathID(2), _) = $0 { true } else { false } })
    }
}
