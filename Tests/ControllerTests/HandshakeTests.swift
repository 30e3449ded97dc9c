import Controller
import OpenFlow
import Scheduler
import Testing

/// HELLO and version negotiation, FEATURES_REQUEST, SET_CONFIG, and what happens around
/// them.
struct HandshakeTests {
    typealias Sim = Simulation<Recorder>

    @Test func handshakeBringsTheDatapathUp() {
        var sim = Sim(Recorder())
        let id = sim.connect(FakeSwitch(datapathID: 7, portCount: 3))
        let fake = sim.switches[id]!
        #expect(fake.received.map(\.type) == [.hello, .featuresRequest, .setConfig])
        #expect(fake.received.first?.version == 0x01)
        guard case .setConfig(let config) = fake.received.last?.message else {
            Issue.record("no SET_CONFIG")
            return
        }
        #expect(config.missSendLength == 128)
        #expect(config.flags == .fragNormal)
        #expect(sim.core.app.seen == [.up(DatapathID(7), ports: 3)])
        #expect(sim.core.counters.switches == 1)
        #expect(sim.core.counters.connections == 1)
        let info = sim.core.datapath(DatapathID(7))
        #expect(info?.connection == id)
        #expect(info?.ports.count == 3)
        #expect(info?.bufferCount == 0)
        #expect(sim.loggedAny(containing: "datapath 0000000000000007 up"))
    }

    @Test func missSendLengthIsASetting() {
        var settings = ControllerSettings()
        settings.missSendLength = 0xFFFF
        var sim = Sim(Recorder(), settings: settings)
        let id = sim.connect(FakeSwitch(datapathID: 1))
        guard case .setConfig(let config) = sim.switches[id]!.received.last?.message else {
            Issue.record("no SET_CONFIG")
            return
        }
        #expect(config.missSendLength == 0xFFFF)
    }

    /// The lower version wins: a peer offering 1.3 or OVS's version-6 HELLO without a
    /// bitmap gets 1.0.
    @Test(arguments: [UInt8(1), 4, 6])
    func laterVersionsNegotiateOpenFlow10(version: UInt8) {
        var sim = Sim(Recorder())
        var fake = FakeSwitch(datapathID: 2)
        fake.helloVersion = version
        sim.connect(fake)
        #expect(sim.core.app.seen == [.up(DatapathID(2), ports: 3)])
    }

    /// OFPHET_VERSIONBITMAP with bits 1 and 4: OpenFlow 1.0 is in the set.
    @Test func versionBitmapOffering10Negotiates() {
        var sim = Sim(Recorder())
        var fake = FakeSwitch(datapathID: 2)
        fake.helloVersion = 4
        fake.helloBody = [0, 1, 0, 8, 0, 0, 0, 0b0001_0010]
        sim.connect(fake)
        #expect(sim.core.app.seen == [.up(DatapathID(2), ports: 3)])
    }

    @Test func versionBitmapWithout10FailsTheHandshake() {
        var sim = Sim(Recorder())
        var fake = FakeSwitch(datapathID: 2)
        fake.helloVersion = 4
        fake.helloBody = [0, 1, 0, 8, 0, 0, 0, 0b0001_0000]
        let id = sim.connect(fake)
        #expect(sim.switches[id]!.errors.map(\.code) == [.helloIncompatible])
        #expect(sim.closedByCore == [id])
        #expect(sim.core.app.seen.isEmpty)
    }

    @Test func version0HelloFailsWithAnExplanation() {
        var sim = Sim(Recorder())
        var fake = FakeSwitch(datapathID: 3)
        fake.helloVersion = 0
        let id = sim.connect(fake)
        let errors = sim.switches[id]!.errors
        #expect(errors.map(\.code) == [.helloIncompatible])
        let text = String(decoding: errors.first?.data ?? [], as: UTF8.self)
        #expect(text.contains("OpenFlow 1.0 (0x01)"))
        #expect((errors.first?.data ?? []).allSatisfy { $0 < 0x80 })
        #expect(sim.closedByCore == [id])
        #expect(sim.core.counters.connections == 0)
        #expect(sim.core.counters.errorsSent == 1)
        #expect(sim.core.app.seen.isEmpty)
    }

    /// Before the peer's HELLO an echo is answered, and anything else fails the handshake.
    @Test func onlyHelloAndEchoMayComeFirst() {
        var sim = Sim(Recorder())
        var fake = FakeSwitch(datapathID: 4)
        fake.sendsHello = false
        fake.send(.echoRequest(Echo(payload: [1, 2, 3])), xid: 77)
        let id = sim.connect(fake)
        #expect(sim.switches[id]!.received.map(\.type) == [.hello, .echoReply])
        #expect(sim.switches[id]!.received.last?.xid == 77)
        sim.withSwitch(id) { $0.send(.barrierReply) }
        sim.run()
        #expect(sim.switches[id]!.errors.map(\.code) == [.helloIncompatible])
        #expect(sim.closedByCore == [id])
    }

    @Test func handshakeTimesOut() {
        var sim = Sim(Recorder())
        var fake = FakeSwitch(datapathID: 5)
        fake.answersFeatures = false
        let id = sim.connect(fake)
        sim.advance(by: .seconds(9))
        #expect(sim.closedByCore.isEmpty)
        sim.advance(by: .seconds(1))
        #expect(sim.closedByCore == [id])
        #expect(sim.loggedAny(containing: "handshake timed out"))
    }

    /// Between HELLO and FEATURES_REPLY: echoes are answered, packet_ins dropped and
    /// counted, and apps see nothing until the datapath is up.
    @Test func messagesBeforeFeaturesReply() {
        var sim = Sim(Recorder())
        var fake = FakeSwitch(datapathID: 6)
        fake.answersFeatures = false
        let id = sim.connect(fake)
        sim.withSwitch(id) {
            $0.send(.echoRequest(Echo()), xid: 5)
            $0.sendPacketIn(Frames.ethernet(src: Frames.host(1), dst: Frames.host(2)), inPort: 1)
            $0.send(.portStatus(PortStatus(reason: .add, port: FakeSwitch.port(9))))
        }
        sim.run()
        #expect(sim.switches[id]!.received.map(\.type) == [.hello, .featuresRequest, .echoReply])
        #expect(sim.core.counters.drops == 1)
        #expect(sim.core.counters.packetIns == 1)
        #expect(sim.core.app.seen.isEmpty)
        sim.withSwitch(id) { $0.send(.featuresReply($0.features)) }
        sim.run()
        #expect(sim.core.app.seen == [.up(DatapathID(6), ports: 3)])
    }

    @Test func refusedFeaturesRequestCloses() {
        var sim = Sim(Recorder())
        var fake = FakeSwitch(datapathID: 6)
        fake.answersFeatures = false
        let id = sim.connect(fake)
        let request = sim.switches[id]!.received.last!
        sim.withSwitch(id) { $0.send(.error(ErrorMessage(code: .requestPermissions, answering: [])), xid: request.xid) }
        sim.run()
        #expect(sim.closedByCore == [id])
        #expect(sim.core.counters.errorsReceived == 1)
    }

    /// A second connection with the same datapath id replaces the first: the old one is
    /// closed, and apps see the datapath go down and come up again.
    @Test func sameDatapathOnANewConnectionReplacesTheOld() {
        var sim = Sim(Recorder())
        let first = sim.connect(FakeSwitch(datapathID: 9))
        let second = sim.connect(FakeSwitch(datapathID: 9, portCount: 2))
        #expect(sim.closedByCore == [first])
        #expect(sim.core.app.seen == [.up(DatapathID(9), ports: 3), .down(DatapathID(9)), .up(DatapathID(9), ports: 2)])
        #expect(sim.core.datapath(DatapathID(9))?.connection == second)
        #expect(sim.core.counters.switches == 1)
        #expect(sim.core.counters.connections == 1)
    }

    @Test func peerCloseTakesTheDatapathDown() {
        var sim = Sim(Recorder())
        let id = sim.connect(FakeSwitch(datapathID: 10))
        sim.disconnect(id)
        #expect(sim.core.app.seen == [.up(DatapathID(10), ports: 3), .down(DatapathID(10))])
        #expect(sim.core.datapath(DatapathID(10)) == nil)
        #expect(sim.core.counters.switches == 0)
        #expect(sim.core.nextDeadline == nil)
    }
}
