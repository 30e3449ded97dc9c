import Controller
import OpenFlow
import Testing

struct StaticFlowsTests {
    static let text = """
        # patch ports 1 and 2
        priority=100,in_port=1,actions=output:2
        priority=100,in_port=2,actions=output:1   # and back

        """

    @Test func flowsFileParses() throws {
        let app = try StaticFlows(parsing: Self.text)
        #expect(
            app.flows == [
                try FlowSyntax.parseFlow("priority=100,in_port=1,actions=output:2").flowMod(command: .add),
                try FlowSyntax.parseFlow("priority=100,in_port=2,actions=output:1").flowMod(command: .add),
            ])
    }

    @Test func flowsFileErrorsNameTheLine() {
        #expect(throws: ConfigError(line: 3, "missing 'actions='")) {
            try StaticFlows(parsing: "in_port=1,actions=drop\n\npriority=5,in_port=2\n")
        }
    }

    /// Installed on every datapath up, so again after a reconnect.
    @Test func flowsAreReinstalledOnReconnect() throws {
        let app = try StaticFlows(parsing: Self.text)
        var sim = Simulation(app)
        let first = sim.connect(FakeSwitch(datapathID: 1))
        #expect(sim.switches[first]!.flowMods == app.flows)
        sim.disconnect(first)
        let second = sim.connect(FakeSwitch(datapathID: 1))
        #expect(sim.switches[second]!.flowMods == app.flows)
        let other = sim.connect(FakeSwitch(datapathID: 2))
        #expect(sim.switches[other]!.flowMods == app.flows)
    }
}
