import OpenFlow
import Scheduler
import Switch
import Testing

/// HELLO and version negotiation, FEATURES, config, echo and the connection timers.
struct AgentHandshakeTests {
    @Test func helloThenFeaturesReply() throws {
        var harness = AgentHarness(ports: 3)
        let id = harness.open(1)
        let reply = harness.request(id, .featuresRequest, xid: 77)
        #expect(reply.count == 1)
        #expect(reply[0].xid == 77)
        guard case .featuresReply(let features) = reply[0].message else {
            Issue.record("no FEATURES_REPLY")
            return
        }
        #expect(features == harness.agent.datapath.features)
        #expect(features.ports.count == 3)
        #expect(features.actions == 0xFFF)
    }

    @Test func agentSaysHelloFirst() {
        var harness = AgentHarness()
        let id = harness.open(1, hello: false)
        let hello = harness.take(id)
        #expect(hello.map(\.type) == [.hello])
        #expect(hello[0].version == 0x01)
    }

    /// The lower version wins: offers of 1.3 or OVS's version 6 agree on 1.0.
    @Test(arguments: [UInt8(1), 4, 6])
    func laterVersionsNegotiate10(version: UInt8) {
        var harness = AgentHarness()
        let id = harness.open(1, hello: false)
        _ = harness.take(id)
        harness.sendRaw(id, try! OpenFlowMessage(version: version, xid: 1, .hello(Hello())).encoded())
        #expect(harness.request(id, .barrierRequest).map(\.type) == [.barrierReply])
    }

    @Test func versionBitmapDecides() {
        var harness = AgentHarness()
        let yes = harness.open(1, hello: false)
        harness.sendRaw(yes, try! OpenFlowMessage(version: 4, xid: 1, .hello(Hello(body: [0, 1, 0, 8, 0, 0, 0, 0b0001_0010]))).encoded())
        #expect(harness.take(yes).map(\.type) == [.hello])
        #expect(harness.closedByAgent.isEmpty)
        let no = harness.open(2, hello: false)
        harness.sendRaw(no, try! OpenFlowMessage(version: 4, xid: 9, .hello(Hello(body: [0, 1, 0, 8, 0, 0, 0, 0b0001_0000]))).encoded())
        let answer = harness.take(no)
        #expect(answer.map(\.type) == [.hello, .error])
        #expect(answer[1].error?.code == .helloIncompatible)
        #expect(answer[1].xid == 9)
        #expect(harness.closedByAgent == [no])
    }

    @Test func anythingButHelloFirstFailsTheHandshake() {
        var harness = AgentHarness()
        let id = harness.open(1, hello: false)
        _ = harness.take(id)
        let echo = harness.request(id, .echoRequest(Echo(payload: [1, 2])))  // allowed
        #expect(echo.map(\.type) == [.echoReply])
        let answer = harness.request(id, .featuresRequest)
        #expect(answer.first?.error?.code == .helloIncompatible)
        let text = String(decoding: answer.first?.error?.data ?? [], as: UTF8.self)
        #expect(text.contains("OFPT_FEATURES_REQUEST"))
        #expect(harness.closedByAgent == [id])
        // Input after the decision to close is ignored.
        #expect(harness.request(id, .echoRequest(Echo())).isEmpty)
    }

    @Test func getAndSetConfig() {
        var harness = AgentHarness()
        let id = harness.open(1)
        let initial = harness.request(id, .getConfigRequest, xid: 5)
        #expect(initial.first?.message == .getConfigReply(SwitchConfig(flags: .fragNormal, missSendLength: 128)))
        #expect(initial.first?.xid == 5)
        #expect(harness.request(id, .setConfig(SwitchConfig(flags: .fragDrop, missSendLength: 512))).isEmpty)
        #expect(harness.request(id, .getConfigRequest).first?.message == .getConfigReply(SwitchConfig(flags: .fragDrop, missSendLength: 512)))
        #expect(harness.agent.datapath.config.missSendLength == 512)
    }

    @Test func echoRequestsAreAnsweredWithTheirPayload() {
        var harness = AgentHarness()
        let id = harness.open(1)
        let reply = harness.request(id, .echoRequest(Echo(payload: [9, 8, 7])), xid: 42)
        #expect(reply == [OpenFlowMessage(xid: 42, .echoReply(Echo(payload: [9, 8, 7])))])
    }

    @Test func silenceSendsEchoThenCloses() {
        var harness = AgentHarness()
        let id = harness.open(1)
        harness.advance(to: .seconds(5))
        #expect(harness.take(id).map(\.type) == [.echoRequest])
        harness.advance(to: .seconds(9))
        #expect(harness.take(id).isEmpty)
        harness.advance(to: .seconds(10))
        #expect(harness.take(id).map(\.type) == [.echoRequest])
        // An answer (any message) resets the clock.
        harness.send(id, .echoReply(Echo()))
        harness.advance(to: .seconds(24))
        #expect(harness.closedByAgent.isEmpty)
        harness.advance(to: .seconds(25))
        #expect(harness.closedByAgent == [id])
    }

    @Test func noHelloClosesAfterTheHandshakeTimeout() {
        var harness = AgentHarness()
        let id = harness.open(1, hello: false)
        harness.advance(to: .seconds(9))
        #expect(harness.closedByAgent.isEmpty)
        harness.advance(to: .seconds(10))
        #expect(harness.closedByAgent == [id])
    }
}
