import Controller
import OpenFlow
import Scheduler
import Testing

/// Echo in both directions, and the disconnect of a switch that goes silent.
struct KeepaliveTests {
    typealias Sim = Simulation<Recorder>

    @Test func echoRequestIsAnsweredWithItsXIDAndPayload() {
        var sim = Sim(Recorder())
        let id = sim.connect(FakeSwitch(datapathID: 1))
        sim.withSwitch(id) {
            $0.forgetReceived()
            $0.send(.echoRequest(Echo(payload: [9, 8, 7, 6])), xid: 0xABCD)
        }
        sim.run()
        let reply = sim.switches[id]!.received
        #expect(reply.count == 1)
        #expect(reply.first?.xid == 0xABCD)
        #expect(reply.first?.message == .echoReply(Echo(payload: [9, 8, 7, 6])))
    }

    /// An idle switch gets ECHO_REQUEST every interval; answering keeps it connected.
    @Test func idleSwitchIsProbedAndStaysWhileItAnswers() {
        var sim = Sim(Recorder())
        let id = sim.connect(FakeSwitch(datapathID: 1))
        sim.advance(by: .milliseconds(4_999))
        #expect(sim.switches[id]!.count(.echoRequest) == 0)
        sim.advance(by: .milliseconds(1))
        #expect(sim.switches[id]!.count(.echoRequest) == 1)
        sim.advance(by: .seconds(60))
        #expect(sim.switches[id]!.count(.echoRequest) == 13)
        #expect(sim.closedByCore.isEmpty)
        #expect(sim.core.app.seen == [.up(DatapathID(1), ports: 3)])
    }

    /// Any message counts as life: a switch that talks is never probed.
    @Test func trafficPostponesTheProbe() {
        var sim = Sim(Recorder())
        let id = sim.connect(FakeSwitch(datapathID: 1))
        for _ in 0..<10 {
            sim.advance(by: .seconds(3))
            sim.withSwitch(id) { $0.send(.barrierReply) }
            sim.run()
        }
        #expect(sim.switches[id]!.count(.echoRequest) == 0)
    }

    /// No answer at all: probed at 5 s and 10 s, disconnected at 15 s.
    @Test func silentSwitchIsDisconnectedAfterTheEchoTimeout() {
        var sim = Sim(Recorder())
        var fake = FakeSwitch(datapathID: 1)
        fake.answersEcho = false
        let id = sim.connect(fake)
        sim.advance(by: .milliseconds(14_999))
        #expect(sim.switches[id]!.count(.echoRequest) == 2)
        #expect(sim.closedByCore.isEmpty)
        sim.advance(by: .milliseconds(1))
        #expect(sim.closedByCore == [id])
        #expect(sim.core.app.seen == [.up(DatapathID(1), ports: 3), .down(DatapathID(1))])
        #expect(sim.loggedAny(containing: "no message for 15000 ms"))
    }

    @Test func echoTimingIsASetting() {
        var settings = ControllerSettings()
        settings.echoInterval = .seconds(1)
        settings.echoTimeout = .seconds(3)
        var sim = Sim(Recorder(), settings: settings)
        var fake = FakeSwitch(datapathID: 1)
        fake.answersEcho = false
        let id = sim.connect(fake)
        sim.advance(by: .seconds(3))
        #expect(sim.switches[id]!.count(.echoRequest) == 2)
        #expect(sim.closedByCore == [id])
    }

    /// The controller keeps no deadline for connections that need none.
    @Test func nextDeadlineFollowsTheConnections() {
        var sim = Sim(Recorder())
        #expect(sim.core.nextDeadline == nil)
        sim.connect(FakeSwitch(datapathID: 1))
        #expect(sim.core.nextDeadline == Instant.zero + .seconds(5))
    }
}
