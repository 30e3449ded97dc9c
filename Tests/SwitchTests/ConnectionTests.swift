import OpenFlow
import Scheduler
import Switch
import Testing

/// Active connections with reconnect backoff, the passive listener, and fail modes.
struct ConnectionTests {
    func settings(controllers: Int = 1, fail: FailMode = .secure) -> AgentSettings {
        var settings = AgentSettings()
        settings.controllers = (0..<controllers).map { "tcp:127.0.0.1:" + String(6653 + $0) }
        settings.failMode = fail
        return settings
    }

    @Test func reconnectBacksOffAndResetsAfterAHandshake() {
        var harness = AgentHarness(agent: settings())
        #expect(harness.agent.nextDeadline == .zero)
        #expect(harness.agent.nextConnectAttempt(now: .zero) == 0)
        #expect(harness.agent.nextConnectAttempt(now: .zero) == nil)  // being tried
        var attempts: [UInt64] = []
        for _ in 0..<6 {
            harness.agent.connectFailed(controller: 0, now: harness.now)
            let due = harness.agent.nextDeadline!
            #expect(harness.agent.nextConnectAttempt(now: Instant(nanoseconds: due.nanoseconds - 1)) == nil)
            harness.now = due
            #expect(harness.agent.nextConnectAttempt(now: due) == 0)
            attempts.append(due.nanoseconds / 1_000_000_000)
        }
        #expect(attempts == [1, 3, 7, 15, 23, 31])  // 1, 2, 4, 8, 8, 8 seconds apart
        // Connected and past HELLO: the backoff starts over after a loss.
        let id = harness.open(1, role: .active(controller: 0))
        #expect(harness.agent.isControllerConnected)
        harness.close(id)
        #expect(!harness.agent.isControllerConnected)
        #expect(harness.agent.nextDeadline == harness.now + .seconds(1))
    }

    @Test func failSecureKeepsFlowsAndDropsMisses() {
        var harness = AgentHarness(agent: settings(fail: .secure))
        #expect(harness.agent.datapath.mode == .failSecure)
        _ = harness.agent.nextConnectAttempt(now: .zero)
        let id = harness.open(1, role: .active(controller: 0))
        #expect(harness.agent.datapath.mode == .controller)
        harness.send(id, .flowMod(Fixture.flow(Fixture.match(inPort: 1), actions: [.output(port: PortNumber(2))])))
        #expect(harness.frame(Packets.udp(), inPort: 2).isEmpty)
        #expect(harness.take(id).compactMap(\.packetIn).count == 1)
        harness.close(id)
        #expect(harness.agent.datapath.mode == .failSecure)
        #expect(harness.frame(Packets.udp(), inPort: 1).map(\.port) == [2])
        #expect(harness.frame(Packets.udp(), inPort: 2).isEmpty)
        #expect(harness.agent.datapath.counters.missDrops == 1)
        #expect(harness.agent.datapath.flowCount == 1)
    }

    @Test func failStandaloneActsAsALearningSwitchUntilTheControllerReturns() {
        var harness = AgentHarness(ports: 3, agent: settings(fail: .standalone))
        #expect(harness.agent.datapath.mode == .failStandalone)
        let h1 = Packets.host(1)
        let h2 = Packets.host(2)
        #expect(harness.frame(Packets.raw(src: h1, dst: h2), inPort: 1).map(\.port) == [2, 3])
        #expect(harness.frame(Packets.raw(src: h2, dst: h1), inPort: 2).map(\.port) == [1])
        _ = harness.agent.nextConnectAttempt(now: .zero)
        let id = harness.open(1, role: .active(controller: 0))
        harness.send(id, .flowMod(Fixture.flow(Fixture.match(inPort: 1), actions: [.output(port: PortNumber(3))])))
        #expect(harness.frame(Packets.raw(src: h1, dst: h2), inPort: 1).map(\.port) == [3])
        harness.close(id)
        // Disconnected again: NORMAL for everything, the flow kept for later.
        #expect(harness.frame(Packets.raw(src: h1, dst: h2), inPort: 1).map(\.port) == [2])
        #expect(harness.agent.datapath.flowCount == 1)
    }

    /// The fail mode is about failing over from a controller; with none configured the
    /// switch is driven only through its listener, whatever the mode says.
    @Test(arguments: [FailMode.secure, .standalone])
    func noControllerConfiguredUsesFlowsThenNormal(fail: FailMode) {
        var harness = AgentHarness(ports: 3, agent: settings(controllers: 0, fail: fail))
        #expect(harness.agent.datapath.mode == .normalOnMiss)
        let id = harness.open(1)  // ovs-ofctl on the listener
        harness.send(id, .flowMod(Fixture.flow(Fixture.match(inPort: 1), actions: [.output(port: PortNumber(3))])))
        #expect(harness.frame(Packets.udp(), inPort: 1).map(\.port) == [3])
        #expect(harness.frame(Packets.udp(src: Packets.host(2), dst: Packets.host(1)), inPort: 2).map(\.port) == [1, 3])
        #expect(harness.take(id).isEmpty)  // a passive connection gets no packet_in
    }

    @Test func asyncMessagesGoToEveryActiveControllerAndNoPassiveOne() {
        var harness = AgentHarness(ports: 2, agent: settings(controllers: 2))
        _ = harness.agent.nextConnectAttempt(now: .zero)
        _ = harness.agent.nextConnectAttempt(now: .zero)
        let first = harness.open(1, role: .active(controller: 0))
        let second = harness.open(2, role: .active(controller: 1))
        let passive = harness.open(3)
        _ = harness.frame(Packets.udp(), inPort: 1)
        harness.agent.withDatapath { $0.setLinkDown(PortNumber(2), true) }
        #expect(harness.take(first).map(\.type) == [.packetIn, .portStatus])
        #expect(harness.take(second).map(\.type) == [.packetIn, .portStatus])
        #expect(harness.take(passive).isEmpty)
        // Requests are answered on the connection that asked.
        #expect(harness.request(passive, .barrierRequest, xid: 4).map(\.xid) == [4])
        #expect(harness.take(first).isEmpty)
        #expect(harness.agent.counters.connections == 3)
        #expect(harness.agent.counters.controllersUp == 2)
    }

    @Test func anActiveConnectionBeforeHelloGetsNoAsyncAndIsNotAController() {
        var harness = AgentHarness(agent: settings())
        _ = harness.agent.nextConnectAttempt(now: .zero)
        let id = harness.open(1, role: .active(controller: 0), hello: false)
        #expect(!harness.agent.isControllerConnected)
        _ = harness.frame(Packets.udp(), inPort: 1)
        #expect(harness.take(id).map(\.type) == [.hello])
    }

    @Test func outputIsBoundedAndWantsInputPushesBack() {
        var agentSettings = settings()
        agentSettings.outputHighWater = 1000
        agentSettings.outputLimit = 3000
        var datapathSettings = DatapathSettings()
        datapathSettings.bufferCount = 0
        var harness = AgentHarness(datapath: datapathSettings, agent: agentSettings)
        _ = harness.agent.nextConnectAttempt(now: .zero)
        let id = harness.open(1, role: .active(controller: 0))
        #expect(harness.agent.wantsInput(id))
        let frame = Packets.udp(payload: [UInt8](repeating: 1, count: 400))
        for _ in 0..<10 { _ = harness.frame(frame, inPort: 1) }
        #expect(!harness.agent.wantsInput(id))
        #expect(harness.agent.outputCount(id) <= 3000)
        #expect(harness.agent.counters.outputDrops > 0)
        #expect(harness.take(id).compactMap(\.packetIn).count == harness.agent.datapath.counters.packetIns - harness.agent.counters.outputDrops)
        #expect(harness.agent.wantsInput(id))
    }

    @Test func partialWritesKeepTheRest() {
        var harness = AgentHarness()
        let id = harness.open(1)
        harness.send(id, .echoRequest(Echo(payload: ArraySlice(repeating: 5, count: 100))))
        let total = harness.agent.outputCount(id)
        var first: [UInt8] = []
        harness.agent.withOutput(id) { unsent in
            first = Array(unsent.prefix(10))
            return 10
        }
        #expect(harness.agent.outputCount(id) == total - 10)
        var rest: [UInt8] = []
        harness.agent.withOutput(id) { unsent in
            rest = Array(unsent)
            return unsent.count
        }
        #expect(Decode.all(first + rest).map(\.type) == [.echoReply])
    }
}
