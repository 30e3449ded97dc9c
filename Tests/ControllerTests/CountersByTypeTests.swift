import Controller
import OpenFlow
import Testing

/// Messages in and out are counted by OpenFlow type, errors sent by OFPET type: what
/// `ofcontroller --rest`'s /metrics labels its series with.
struct CountersByTypeTests {
    @Test func theHandshakeIsCountedByType() {
        var sim = Simulation(Recorder())
        sim.connect(FakeSwitch(datapathID: 1))
        let counters = sim.core.counters
        #expect(counters.messagesInByType[Int(MessageType.hello.rawValue)] == 1)
        #expect(counters.messagesInByType[Int(MessageType.featuresReply.rawValue)] == 1)
        #expect(counters.messagesOutByType[Int(MessageType.hello.rawValue)] == 1)
        #expect(counters.messagesOutByType[Int(MessageType.featuresRequest.rawValue)] == 1)
        #expect(counters.messagesOutByType[Int(MessageType.setConfig.rawValue)] == 1)
        let inTotal = (0..<counters.messagesInByType.types).reduce(counters.messagesInByType.other) { $0 + counters.messagesInByType[$1] }
        #expect(inTotal == counters.messagesIn)
    }

    @Test func errorsSentAreCountedByErrorType() {
        var sim = Simulation(Recorder())
        let id = sim.connect(FakeSwitch(datapathID: 1))
        // A controller-to-switch message from a switch: OFPET_BAD_REQUEST / BAD_TYPE.
        sim.withSwitch(id) { _ = $0.send(.flowMod(FlowMod(match: Match(), command: .add))) }
        // A message type OpenFlow 1.0 does not have: counted in the "other" bucket.
        sim.withSwitch(id) { $0.sendRaw([1, 99, 0, 8, 0, 0, 0, 7]) }
        sim.run()
        let counters = sim.core.counters
        #expect(counters.errorsSent == 2)
        #expect(counters.errorsSentByType[Int(ErrorType.badRequest.rawValue)] == 2)
        #expect(counters.messagesInByType.other == 1)
        #expect(counters.messagesOutByType[Int(MessageType.error.rawValue)] == 2)
    }
}
