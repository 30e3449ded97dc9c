import OpenFlow
import Scheduler
import Switch
import Testing
import Wire

/// Requests through the agent: ordering, errors for bad input, and forwarding that goes
/// on regardless.
struct AgentRequestTests {
    func controllerHarness() -> (AgentHarness, ChannelID) {
        var settings = AgentSettings()
        settings.controllers = ["test"]
        var harness = AgentHarness(ports: 3, agent: settings)
        #expect(harness.agent.nextConnectAttempt(now: .zero) == 0)
        let id = harness.open(1, role: .active(controller: 0))
        return (harness, id)
    }

    @Test func barrierReplyFollowsEverythingBeforeIt() {
        var (harness, id) = controllerHarness()
        harness.send(id, .flowMod(Fixture.flow(Fixture.match(inPort: 1), actions: [.output(port: PortNumber(2))], flags: .sendFlowRemoved)))
        harness.send(id, .flowMod(Fixture.flow(Fixture.match(inPort: 2), actions: [.output(port: PortNumber(42))])), xid: 500)
        // Three requests in one segment: errors, FLOW_REMOVED, stats, then the barrier.
        let bytes = try! OpenFlowMessage(xid: 501, .flowMod(Fixture.flow(Match(), actions: [], command: .delete))).encoded()
            + OpenFlowMessage(xid: 502, .statsRequest(StatsRequest(.aggregate(FlowStatsRequest())))).encoded()
            + OpenFlowMessage(xid: 503, .barrierRequest).encoded()
        harness.sendRaw(id, bytes)
        let out = harness.take(id)
        #expect(out.map(\.type) == [.error, .flowRemoved, .statsReply, .barrierReply])
        #expect(out[0].xid == 500)
        #expect(out[0].error?.code == .badOutPort)
        #expect(out[2].xid == 502)
        #expect(out[3].xid == 503)
    }

    @Test func errorsCarryTheXIDAndTheFirst64Bytes() throws {
        var (harness, id) = controllerHarness()
        let flowMod = Message.flowMod(Fixture.flow(Match(), actions: [.output(port: PortNumber(9))]))
        let bytes = try OpenFlowMessage(xid: 0xBEEF, flowMod).encoded()
        let out = harness.request(id, flowMod, xid: 0xBEEF)
        #expect(out.count == 1)
        #expect(out[0].xid == 0xBEEF)
        #expect(out[0].error?.code == .badOutPort)
        #expect(Array(out[0].error?.data ?? []) == Array(bytes.prefix(64)))
    }

    /// A header length below 8 leaves no message boundary to trust: BAD_LEN echoing the
    /// header, then the connection is closed (the agent reconnects an active one).
    @Test func aHeaderLengthBelow8GetsBadLenThenTheConnectionCloses() {
        var (harness, id) = controllerHarness()
        let header: [UInt8] = [1, 2, 0, 4, 0, 0, 0x12, 0x34]
        harness.sendRaw(id, header + [9, 9, 9, 9])
        let out = harness.take(id)
        #expect(out.map(\.xid) == [0x1234])
        #expect(out.first?.error?.code == .badLength)
        #expect(Array(out.first?.error?.data ?? []) == header)
        harness.collectClosures()
        #expect(harness.closedByAgent == [id])
    }

    @Test func vendorMessagesOtherThanRolesAndVendorStatsAreRefused() {
        var (harness, id) = controllerHarness()
        #expect(harness.request(id, .vendor(VendorMessage(vendor: 0x1234, body: [1, 2, 3, 4]))).first?.error?.code == .badVendor)
        #expect(harness.request(id, .vendor(VendorMessage(vendor: 0x2320, body: [1, 2, 3, 4]))).first?.error?.code == .badSubtype)
        #expect(harness.request(id, .statsRequest(StatsRequest(.vendor(vendor: 0x2320, body: [0, 0, 0, 0])))).first?.error?.code == .badVendor)
    }

    @Test func switchToControllerMessagesAreBadType() {
        var (harness, id) = controllerHarness()
        let messages: [Message] = [
            .packetIn(PacketIn(bufferID: 1, totalLength: 0, inPort: PortNumber(1), reason: .noMatch, data: [])),
            .featuresReply(harness.agent.datapath.features), .barrierReply, .getConfigReply(SwitchConfig()),
            .statsReply(StatsReply(.table([]))),
        ]
        for message in messages {
            #expect(harness.request(id, message).first?.error?.code == .badType)
        }
    }

    @Test func malformedMessagesGetTheSpecsErrorsAndForwardingGoesOn() throws {
        var (harness, id) = controllerHarness()
        harness.send(id, .flowMod(Fixture.flow(Fixture.match(inPort: 1), actions: [.output(port: PortNumber(2))])))
        #expect(harness.take(id).isEmpty)
        let good = try OpenFlowMessage(xid: 9, .flowMod(Fixture.flow(Match(), actions: [.output(port: PortNumber(2))]))).encoded()
        var cases: [([UInt8], ErrorCode)] = []
        // A FLOW_MOD cut short (its header says so).
        var short = Array(good.prefix(40))
        short[2] = 0
        short[3] = 40
        cases.append((short, .badLength))
        // Unknown message type.
        cases.append(([0x01, 30, 0, 8, 0, 0, 0, 1], .badType))
        // Wrong version on a request.
        cases.append(([0x04, 18, 0, 8, 0, 0, 0, 2], .badVersion))
        // Unknown flow_mod command.
        var command = good
        command[8 + 40 + 8 + 1] = 9
        cases.append((command, .badFlowModCommand))
        // Unknown action type, then an action with a bad length.
        var actionType = good
        actionType[8 + 64 + 1] = 0x30
        cases.append((actionType, .badActionType))
        var actionLength = good
        actionLength[8 + 64 + 3] = 12
        cases.append((actionLength, .badActionLength))
        // Unknown stats type.
        cases.append(([0x01, 16, 0, 12, 0, 0, 0, 3, 0, 0x20, 0, 0], .badStat))
        for (bytes, code) in cases {
            harness.sendRaw(id, bytes)
            let out = harness.take(id)
            #expect(out.count == 1)
            #expect(out.first?.error?.code == code)
            #expect(Array(out.first?.error?.data ?? []) == Array(bytes.prefix(64)))
        }
        // An ERROR from the peer is never answered.
        harness.sendRaw(id, [0x01, 1, 0, 12, 0, 0, 0, 4, 0, 1, 0, 6])
        #expect(harness.take(id).isEmpty)
        #expect(harness.agent.counters.errorsReceived == 1)
        // Still up, still forwarding.
        #expect(harness.closedByAgent.isEmpty)
        #expect(harness.frame(Packets.udp(), inPort: 1).map(\.port) == [2])
        #expect(harness.agent.counters.errorsSent == UInt64(cases.count))
    }

    @Test func aStreamThatCannotBeResynchronisedIsClosed() {
        var (harness, id) = controllerHarness()
        harness.sendRaw(id, [0x01, 2, 0, 4, 0, 0, 0, 1])
        #expect(harness.closedByAgent == [id])
        #expect(!harness.agent.isControllerConnected)
        #expect(harness.agent.datapath.mode == .failSecure)
    }

    @Test func messagesSplitAcrossSegmentsAndCoalesced() throws {
        var (harness, id) = controllerHarness()
        let bytes = try OpenFlowMessage(xid: 1, .echoRequest(Echo(payload: [1, 2, 3]))).encoded()
            + OpenFlowMessage(xid: 2, .barrierRequest).encoded()
        for byte in bytes { harness.sendRaw(id, [byte]) }
        #expect(harness.take(id).map(\.xid) == [1, 2])
    }

    @Test func packetOutThroughTheAgentSendsFrames() {
        var (harness, id) = controllerHarness()
        let frame = Packets.udp()
        harness.send(id, .packetOut(PacketOut(inPort: .none, actions: [.output(port: .flood)], data: frame[...])))
        #expect(harness.sent.map(\.port) == [1, 2, 3])
        #expect(harness.take(id).isEmpty)
        #expect(harness.request(id, .packetOut(PacketOut(bufferID: 999, actions: []))).first?.error?.code == .bufferUnknown)
    }

    @Test func portModAndQueueConfigThroughTheAgent() {
        var settings = AgentSettings()
        settings.controllers = ["test"]
        var harness = AgentHarness(ports: 2, agent: settings, queues: [1: [PortQueue(queueID: 3, minRate: 250)]])
        _ = harness.agent.nextConnectAttempt(now: .zero)
        let id = harness.open(1, role: .active(controller: 0))
        let out = harness.request(id, .portMod(PortMod(portNumber: PortNumber(2), hardwareAddress: Fixture.mac(ofPort: 2), config: .portDown, mask: .portDown)))
        #expect(out.first?.portStatus?.reason == .modify)
        #expect(out.first?.portStatus?.port.config == .portDown)
        #expect(harness.request(id, .portMod(PortMod(portNumber: PortNumber(7), hardwareAddress: .zero, config: [], mask: []))).first?.error?.code == .badPort)
        let queues = harness.request(id, .queueGetConfigRequest(QueueGetConfigRequest(port: PortNumber(1))), xid: 61)
        #expect(queues == [OpenFlowMessage(xid: 61, .queueGetConfigReply(QueueGetConfigReply(port: PortNumber(1), queues: [PacketQueue(queueID: 3, properties: [.minRate(250)])])))])
        #expect(harness.request(id, .queueGetConfigRequest(QueueGetConfigRequest(port: PortNumber(5)))).first?.error?.code == .queueBadPort)
    }
}
