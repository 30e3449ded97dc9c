import Controller
import OpenFlow
import Testing

/// A policy changed at run time (an HA group's policy from etcd): the apps get it with
/// `BuiltinApp.replace`, and `restartDatapaths` puts it in force on every switch the
/// apps see: their flows deleted, then installed afresh.
struct PolicyReplacementTests {
    @Test func aNewFirewallPolicyReplacesTheFlowsOnEverySwitch() throws {
        let apps: [BuiltinApp] = [
            .firewall(Firewall(policy: try FirewallPolicy(parsing: "deny dl_src=00:00:5e:00:53:03"))),
            .learningSwitch(LearningSwitch()),
        ]
        var sim = Simulation(apps)
        let id = sim.connect(FakeSwitch(datapathID: 1))
        sim.withSwitch(id) { $0.forgetReceived() }

        let policy = try FirewallPolicy(parsing: "deny dl_src=00:00:5e:00:53:04\ndeny dl_src=00:00:5e:00:53:05")
        let replaced = sim.core.app[0].replace(policy)
        let notAFirewall = sim.core.app[1].replace(policy)
        #expect(replaced && !notAFirewall)
        sim.core.restartDatapaths(now: sim.now)
        sim.run()
        let flowMods = sim.switches[id]!.flowMods
        #expect(flowMods.map(\.command) == [.delete, .add, .add])
        #expect(flowMods.first?.match == Match())
        #expect(flowMods.dropFirst().map(\.match.dlSrc) == [Frames.host(4), Frames.host(5)])
    }

    @Test func aSlavesSwitchIsLeftAloneAndGetsThePolicyOnPromotion() throws {
        var settings = ControllerSettings()
        settings.role = .slave
        var sim = Simulation([BuiltinApp.staticFlows(try StaticFlows(parsing: "priority=1,in_port=1,actions=output:2"))], settings: settings)
        let id = sim.connect(FakeSwitch(datapathID: 1))
        let replaced = sim.core.app[0].replace(try StaticFlows(parsing: "priority=2,in_port=2,actions=output:1"))
        #expect(replaced)
        sim.core.restartDatapaths(now: sim.now)
        sim.run()
        #expect(sim.switches[id]!.flowMods.isEmpty)
        sim.core.setRole(.master, for: DatapathID(1), now: sim.now)
        sim.run()
        #expect(sim.switches[id]!.flowMods.map(\.priority) == [2])
    }
}
