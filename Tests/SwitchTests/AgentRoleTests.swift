import OpenFlow
import Scheduler
import Switch
import Testing

/// Controller roles (Nicira NXT_ROLE_REQUEST) with Open vSwitch's semantics; the
/// interop test holds the same sequence against Open vSwitch itself.
struct AgentRoleTests {
    /// Two controllers (A, B) up, and a passive service connection (S).
    func twoControllers() -> (AgentHarness, ChannelID, ChannelID, ChannelID) {
        var settings = AgentSettings()
        settings.controllers = ["a", "b"]
        var harness = AgentHarness(ports: 2, agent: settings)
        _ = harness.agent.nextConnectAttempt(now: .zero)
        _ = harness.agent.nextConnectAttempt(now: .zero)
        let a = harness.open(1, role: .active(controller: 0))
        let b = harness.open(2, role: .active(controller: 1))
        let s = harness.open(3)
        return (harness, a, b, s)
    }

    func ask(_ harness: inout AgentHarness, _ id: ChannelID, _ role: ControllerRole, xid: UInt32 = 7) -> [OpenFlowMessage] {
        harness.request(id, .vendor(NiciraRole(role: role).vendorMessage), xid: xid)
    }

    func replyRole(_ messages: [OpenFlowMessage]) -> ControllerRole? {
        guard messages.count == 1, case .vendor(let vendor) = messages[0].message else { return nil }
        return (try? NiciraRole(vendor, reply: true))?.role
    }

    func flowMod(priority: UInt16 = 100) -> Message {
        .flowMod(Fixture.flow(Fixture.match(inPort: 1), priority: priority, actions: [.output(port: PortNumber(2))], flags: .sendFlowRemoved))
    }

    @Test func aRoleRequestIsAnsweredWithItsRoleAndXID() {
        var (harness, a, _, _) = twoControllers()
        for role in [ControllerRole.master, .slave, .other] {
            let out = ask(&harness, a, role, xid: 0x77)
            #expect(replyRole(out) == role)
            #expect(out.first?.xid == 0x77)
        }
    }

    @Test func aNewMasterDemotesTheOldOneAndOtherStaysOther() {
        var (harness, a, b, s) = twoControllers()
        #expect(replyRole(ask(&harness, a, .master)) == .master)
        #expect(replyRole(ask(&harness, b, .master)) == .master)
        #expect(harness.request(a, flowMod()).first?.error?.code == .requestPermissions)
        #expect(harness.agent.datapath.flowCount == 0)
        // OTHER is not touched by a master, and a service connection may be master.
        #expect(replyRole(ask(&harness, a, .other)) == .other)
        #expect(replyRole(ask(&harness, s, .master)) == .master)
        #expect(harness.request(a, flowMod()).isEmpty)
        #expect(harness.request(b, flowMod(priority: 200)).first?.error?.code == .requestPermissions)
        #expect(harness.agent.datapath.flowCount == 1)
    }

    @Test func aSlaveReadsButChangesNothing() {
        var (harness, a, b, _) = twoControllers()
        _ = ask(&harness, a, .master)
        _ = ask(&harness, b, .slave)
        let config = harness.agent.datapath.config
        #expect(harness.request(b, flowMod()).first?.error?.code == .requestPermissions)
        let packetOut = Message.packetOut(PacketOut(inPort: .none, actions: [.output(port: .flood)], data: Packets.udp()[...]))
        #expect(harness.request(b, packetOut).first?.error?.code == .requestPermissions)
        #expect(harness.sent.isEmpty)
        let portMod = Message.portMod(PortMod(portNumber: PortNumber(2), hardwareAddress: Fixture.mac(ofPort: 2), config: .portDown, mask: .portDown))
        #expect(harness.request(b, portMod).first?.error?.code == .requestPermissions)
        #expect(harness.request(b, .setConfig(SwitchConfig(missSendLength: 1))).isEmpty)
        #expect(harness.agent.datapath.config == config)
        #expect(harness.request(b, .statsRequest(StatsRequest(.desc))).first?.type == .statsReply)
        #expect(harness.request(b, .barrierRequest).first?.type == .barrierReply)
        #expect(harness.agent.datapath.flowCount == 0)
    }

    @Test func aSlaveGetsPortStatusButNoPacketInOrFlowRemoved() {
        var (harness, a, b, _) = twoControllers()
        _ = ask(&harness, a, .master)
        _ = ask(&harness, b, .slave)
        _ = harness.frame(Packets.udp(), inPort: 1)
        harness.agent.withDatapath { $0.setLinkDown(PortNumber(2), true) }
        harness.send(a, flowMod())
        harness.send(a, .flowMod(Fixture.flow(Match(), actions: [], command: .delete)))
        #expect(harness.take(a).map(\.type) == [.packetIn, .portStatus, .flowRemoved])
        #expect(harness.take(b).map(\.type) == [.portStatus])
    }

    @Test func badRoleRequestsGetOpenVSwitchsErrors() throws {
        var (harness, a, _, _) = twoControllers()
        let badRole = VendorMessage(vendor: NiciraRole.vendor, body: [0, 0, 0, 10, 0, 0, 0, 3])
        let out = harness.request(a, .vendor(badRole), xid: 9)
        let error = try #require(out.first?.error)
        #expect(error.code == ErrorCode(type: ErrorType(rawValue: 0xB0C2), code: 0))
        #expect(Array(error.data.prefix(8)) == [0, 0, 0x23, 0x20, 0, 1, 2, 1])
        #expect(Array(error.data.dropFirst(8)) == (try OpenFlowMessage(xid: 9, .vendor(badRole)).encoded()))
        let short = VendorMessage(vendor: NiciraRole.vendor, body: [0, 0, 0, 10])
        #expect(harness.request(a, .vendor(short)).first?.error?.code == .badLength)
        let otherSubtype = VendorMessage(vendor: NiciraRole.vendor, body: [0, 0, 0x7F, 0xFF, 0, 0, 0, 0])
        #expect(harness.request(a, .vendor(otherSubtype)).first?.error?.code == .badSubtype)
        let otherVendor = VendorMessage(vendor: 0xABCDEF, body: [0, 0, 0, 10, 0, 0, 0, 1])
        #expect(harness.request(a, .vendor(otherVendor)).first?.error?.code == .badVendor)
        // None of them changed the role: A is still OTHER, so its FLOW_MOD goes in.
        #expect(harness.request(a, flowMod()).isEmpty)
    }
}
