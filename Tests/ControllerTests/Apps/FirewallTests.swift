import Controller
import OpenFlow
import Testing
import Wire

struct FirewallTests {
    static let (a, b, c) = (Frames.host(1), Frames.host(2), Frames.host(3))

    @Test func rulesFileParses() throws {
        let policy = try FirewallPolicy(
            parsing: """
                # lab policy
                DEFAULT deny
                allow arp
                deny  tcp,nw_dst=10.0.0.2,tp_dst=22   # no ssh to h2

                allow ip
                """)
        #expect(policy.defaultVerdict == .deny)
        #expect(
            policy.rules == [
                FirewallPolicy.Rule(.allow, try FlowSyntax.parseMatch("arp")),
                FirewallPolicy.Rule(.deny, try FlowSyntax.parseMatch("tcp,nw_dst=10.0.0.2,tp_dst=22")),
                FirewallPolicy.Rule(.allow, try FlowSyntax.parseMatch("ip")),
            ])
        #expect(try FirewallPolicy(parsing: "deny in_port=1").defaultVerdict == .allow)
    }

    @Test(arguments: [
        ("allow ip\nblock ip\n", 2, "expected 'allow', 'deny' or 'default', got 'block'"),
        ("# c\n\ndeny tp_dst=22\n", 3, "tp_dst requires"),
        ("default allow\ndefault deny\n", 2, "a second 'default' line"),
        ("default maybe", 1, "'default' takes 'allow' or 'deny'"),
        ("deny nw_dest=10.0.0.1", 1, "unknown field 'nw_dest'"),
    ])
    func rulesFileErrorsNameTheLine(text: String, line: Int, message: String) {
        #expect {
            try FirewallPolicy(parsing: text)
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.line == line && error.message.contains(message)
        }
    }

    /// Deny rules become drop flows in file order; with default allow, an allow rule
    /// is installed (to the controller) only when a deny rule follows it.
    @Test func defaultAllowInstallsDropFlows() throws {
        let policy = try FirewallPolicy(parsing: "allow dl_src=00:00:5e:00:53:01\ndeny ip\nallow arp\n")
        let flows = Firewall(policy: policy).flows
        #expect(flows.map(\.priority) == [60_000, 59_999])
        #expect(flows.map(\.actions) == [[.output(port: .controller, maxLength: 0xFFFF)], []])
        #expect(flows.allSatisfy { $0.command == .add })
    }

    @Test func defaultDenyInstallsAllowFlowsAndACatchAllDrop() throws {
        let policy = try FirewallPolicy(parsing: "default deny\nallow arp\ndeny in_port=3\nallow ip\n")
        let flows = Firewall(policy: policy).flows
        #expect(flows.map(\.priority) == [60_000, 59_999, 59_998, 0])
        #expect(flows.map(\.actions.isEmpty) == [false, true, false, true])
        #expect(flows.last?.match == Match())
    }

    @Test func flowsAreInstalledWhenTheDatapathComesUp() throws {
        let firewall = Firewall(policy: try FirewallPolicy(parsing: "deny dl_dst=00:00:5e:00:53:02"))
        var sim = Simulation(firewall)
        let id = sim.connect(FakeSwitch(datapathID: 1))
        #expect(sim.switches[id]!.flowMods == firewall.flows)
    }

    /// In front of the learning switch: denied packet_ins never reach it (no flood, no
    /// learning); allowed ones are forwarded as usual.
    @Test func denyIsConsumedBeforeLearning() throws {
        let policy = try FirewallPolicy(parsing: "deny dl_src=00:00:5e:00:53:03\n")
        var sim = Simulation(AppChain(Firewall(policy: policy), LearningSwitch()))
        let id = sim.connect(FakeSwitch(datapathID: 1))
        sim.withSwitch(id) {
            $0.forgetReceived()
            $0.sendPacketIn(Frames.ethernet(src: Self.c, dst: Self.a), inPort: 3)
        }
        sim.run()
        #expect(sim.switches[id]!.received.isEmpty)
        #expect(sim.core.app.second.port(of: Self.c, on: DatapathID(1)) == nil)

        sim.withSwitch(id) { $0.sendPacketIn(Frames.ethernet(src: Self.a, dst: Self.b), inPort: 1) }
        sim.run()
        #expect(sim.switches[id]!.packetOuts.map(\.actions) == [[.output(port: .flood)]])
        #expect(sim.core.app.second.port(of: Self.a, on: DatapathID(1)) == PortNumber(1))
    }

    /// The first matching rule decides, at the controller as in the switch.
    @Test func firstMatchingRuleWins() throws {
        let policy = try FirewallPolicy(parsing: "allow tcp,tp_dst=80\ndeny ip\n")
        let web = Frames.tcp(src: Self.a, dst: Self.b, srcIP: Frames.ip(1), dstIP: Frames.ip(2), dstPort: 80)
        let ssh = Frames.tcp(src: Self.a, dst: Self.b, srcIP: Frames.ip(1), dstIP: Frames.ip(2), dstPort: 22)
        #expect(policy.verdict(for: Match(frame: web[...], inPort: PortNumber(1))) == .allow)
        #expect(policy.verdict(for: Match(frame: ssh[...], inPort: PortNumber(1))) == .deny)
        let arp = Frames.ethernet(src: Self.a, dst: .broadcast, type: 0x0806, payload: 28)
        #expect(policy.verdict(for: Match(frame: arp[...], inPort: PortNumber(1))) == .allow)
    }

    /// A denied packet the switch buffered is released with an empty PACKET_OUT.
    @Test func deniedBufferedPacketIsReleased() throws {
        let policy = try FirewallPolicy(parsing: "default deny")
        var sim = Simulation(AppChain(Firewall(policy: policy), LearningSwitch()))
        let id = sim.connect(FakeSwitch(datapathID: 1, bufferCount: 16))
        let buffer = sim.withSwitch(id) {
            $0.forgetReceived()
            return $0.sendPacketIn(Frames.ethernet(src: Self.a, dst: Self.b), inPort: 1)
        }
        sim.run()
        #expect(sim.switches[id]!.packetOuts == [PacketOut(bufferID: buffer, inPort: PortNumber(1), actions: [])])
    }
}
