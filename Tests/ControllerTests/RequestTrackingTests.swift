import Controller
import OpenFlow
import Scheduler
import Testing

/// Requests and replies matched by xid: multipart stats gathered into one event,
/// barriers, errors tied to the request they answer, and expiry.
struct RequestTrackingTests {
    typealias Sim = Simulation<Recorder>
    static let datapath = DatapathID(1)

    static func flowEntry(_ cookie: UInt64) -> FlowStats {
        FlowStats(
            tableID: 0, match: Match(), durationSeconds: 1, durationNanoseconds: 0, priority: 1,
            idleTimeout: 0, hardTimeout: 0, cookie: cookie, packetCount: cookie, byteCount: 64 * cookie, actions: [])
    }

    static func send(_ message: Message, _ sim: inout Sim) -> UInt32? {
        let xid = sim.core.withContext(now: sim.now) { $0.send(message, to: datapath) }
        sim.run()
        return xid
    }

    @Test func replyMorePartsArriveAsOneEvent() throws {
        var sim = Sim(Recorder())
        var fake = FakeSwitch(datapathID: 1)
        fake.statsReply = { _ in [.flow([Self.flowEntry(1), Self.flowEntry(2)]), .flow([Self.flowEntry(3)]), .flow([Self.flowEntry(4)])] }
        sim.connect(fake)
        let xid = try #require(Self.send(.statsRequest(StatsRequest(.flow(FlowStatsRequest()))), &sim))
        #expect(sim.core.app.seen.dropFirst() == [.statsReply(Self.datapath, xid: xid, .flow((1...4).map(Self.flowEntry)))])
    }

    @Test func singlePartReply() throws {
        var sim = Sim(Recorder())
        sim.connect(FakeSwitch(datapathID: 1))
        let xid = try #require(Self.send(.statsRequest(StatsRequest(.port(.none))), &sim))
        #expect(sim.core.app.seen.dropFirst() == [.statsReply(Self.datapath, xid: xid, .port([]))])
    }

    @Test func barrierReplyIsMatched() throws {
        var sim = Sim(Recorder())
        sim.connect(FakeSwitch(datapathID: 1))
        let xid = try #require(Self.send(.barrierRequest, &sim))
        #expect(sim.core.app.seen.dropFirst() == [.barrierReply(Self.datapath, xid: xid)])
    }

    /// An error answering a tracked request carries its type and ends the request: a
    /// late reply to it is ignored. The session survives.
    @Test func errorIsTiedToTheRequestItAnswers() throws {
        var sim = Sim(Recorder())
        var fake = FakeSwitch(datapathID: 1)
        fake.statsReply = { _ in [] }
        let id = sim.connect(fake)
        let xid = try #require(Self.send(.statsRequest(StatsRequest(.table)), &sim))
        sim.withSwitch(id) {
            $0.send(.error(ErrorMessage(code: .badStat, answering: [])), xid: xid)
            $0.send(.statsReply(StatsReply(.table([]))), xid: xid)
        }
        sim.run()
        #expect(sim.core.app.seen.dropFirst() == [.error(Self.datapath, xid: xid, .badStat, request: .statsRequest)])
        #expect(sim.core.counters.errorsReceived == 1)
        #expect(sim.core.counters.switches == 1)
        #expect(sim.closedByCore.isEmpty)
    }

    /// A FLOW_MOD is not tracked (that would cost memory per packet): the error's
    /// echoed header names it.
    @Test func errorForAnUntrackedMessageNamesItFromTheEchoedHeader() throws {
        var sim = Sim(Recorder())
        let id = sim.connect(FakeSwitch(datapathID: 1))
        let flowMod = FlowMod(match: Match(), command: .add, actions: [.output(port: PortNumber(9))])
        let xid = try #require(Self.send(.flowMod(flowMod), &sim))
        let sent = try OpenFlowMessage(xid: xid, .flowMod(flowMod)).encoded()
        sim.withSwitch(id) { $0.send(.error(ErrorMessage(code: .badOutPort, answering: sent[...])), xid: xid) }
        sim.run()
        #expect(sim.core.app.seen.last == .error(Self.datapath, xid: xid, .badOutPort, request: .flowMod))
        #expect(sim.core.counters.flowMods == 1)
    }

    @Test func unansweredRequestExpires() throws {
        var sim = Sim(Recorder())
        var fake = FakeSwitch(datapathID: 1)
        fake.statsReply = { _ in [] }
        sim.connect(fake)
        let xid = try #require(Self.send(.statsRequest(StatsRequest(.desc)), &sim))
        sim.advance(by: .milliseconds(29_999))
        #expect(sim.core.app.seen.count == 1)
        sim.advance(by: .milliseconds(1))
        #expect(sim.core.app.seen.last == .requestFailed(Self.datapath, xid: xid, request: .statsRequest, .timedOut))
    }

    /// Parts past `statsEntryLimit` abandon the request instead of growing without bound.
    @Test func endlessReplyMoreIsCut() throws {
        var settings = ControllerSettings()
        settings.statsEntryLimit = 5
        var sim = Sim(Recorder(), settings: settings)
        var fake = FakeSwitch(datapathID: 1)
        fake.statsReply = { _ in Array(repeating: .flow((1...3).map(Self.flowEntry)), count: 4) }
        sim.connect(fake)
        let xid = try #require(Self.send(.statsRequest(StatsRequest(.flow(FlowStatsRequest()))), &sim))
        #expect(sim.core.app.seen.dropFirst() == [.requestFailed(Self.datapath, xid: xid, request: .statsRequest, .replyTooLarge)])
    }

    @Test func otherRepliesArriveAsMessages() throws {
        var sim = Sim(Recorder())
        let id = sim.connect(FakeSwitch(datapathID: 1))
        let xid = try #require(Self.send(.getConfigRequest, &sim))
        sim.withSwitch(id) { $0.send(.getConfigReply(SwitchConfig()), xid: xid) }
        sim.run()
        #expect(sim.core.app.seen.last == .message(Self.datapath, .getConfigReply))
    }

    @Test func sendingToAnUnknownDatapathFails() {
        var sim = Sim(Recorder())
        sim.connect(FakeSwitch(datapathID: 1))
        let xid = sim.core.withContext(now: sim.now) { $0.send(.barrierRequest, to: DatapathID(2)) }
        #expect(xid == nil)
    }

    /// Xids are fresh for every message sent.
    @Test func xidsAreDistinct() {
        var sim = Sim(Recorder())
        sim.connect(FakeSwitch(datapathID: 1))
        let xids = sim.core.withContext(now: sim.now) { context in
            (0..<100).compactMap { _ in context.send(.barrierRequest, to: Self.datapath) }
        }
        #expect(Set(xids).count == 100)
    }
}
