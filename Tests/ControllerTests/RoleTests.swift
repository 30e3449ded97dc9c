import Controller
import OpenFlow
import Testing

/// Controller roles: the Nicira role request after the handshake, a slave's datapath
/// hidden from the apps and sent no state change, and promotion and demotion as
/// datapath up and down for the apps.
struct RoleTests {
    typealias Sim = Simulation<Recorder>

    func roleRequests(_ fake: FakeSwitch) -> [ControllerRole] {
        fake.received.compactMap { message in
            guard case .vendor(let vendor) = message.message else { return nil }
            return (try? NiciraRole(vendor))?.role
        }
    }

    func flowMod() -> Message { .flowMod(FlowMod(match: Match(), command: .add, actions: [])) }

    func upsAndDowns(_ sim: Sim) -> [Recorder.Seen] {
        sim.core.app.seen.filter { if case .up = $0 { true } else if case .down = $0 { true } else { false } }
    }

    /// The xid of an app's send to `datapath` (nil when refused).
    func send(_ sim: inout Sim, _ message: Message, to datapath: DatapathID) -> UInt32? {
        sim.core.withContext(now: sim.now) { context in context.send(message, to: datapath) }
    }

    @Test func withoutARoleNoneIsAsked() {
        var sim = Sim(Recorder())
        let id = sim.connect(FakeSwitch(datapathID: 1))
        #expect(roleRequests(sim.switches[id]!).isEmpty)
        #expect(sim.core.role(of: DatapathID(1)) == .other)
    }

    @Test func aSlaveIsAskedFirstAndHiddenFromTheApps() {
        var settings = ControllerSettings()
        settings.role = .slave
        var sim = Sim(Recorder(), settings: settings)
        let id = sim.connect(FakeSwitch(datapathID: 1))
        let datapath = DatapathID(1)
        #expect(roleRequests(sim.switches[id]!) == [.slave])
        #expect(sim.core.app.seen.isEmpty)
        #expect(sim.core.datapathIDs == [datapath])
        #expect(send(&sim, flowMod(), to: datapath) == nil)
        #expect(send(&sim, .barrierRequest, to: datapath) != nil)

        let promoted = sim.core.setRole(.master, for: datapath, now: sim.now)
        #expect(promoted)
        sim.run()
        #expect(roleRequests(sim.switches[id]!) == [.slave, .master])
        #expect(upsAndDowns(sim) == [.up(datapath, ports: 3)])
        #expect(send(&sim, flowMod(), to: datapath) != nil)

        sim.core.setRole(.slave, for: datapath, now: sim.now)
        sim.run()
        #expect(upsAndDowns(sim) == [.up(datapath, ports: 3), .down(datapath)])
        // A slave's datapath that goes away does not go down again for the apps.
        sim.disconnect(id)
        #expect(upsAndDowns(sim) == [.up(datapath, ports: 3), .down(datapath)])
        let asked = sim.core.setRole(.master, for: datapath, now: sim.now)
        #expect(!asked)
    }

    @Test func theSwitchsRoleReplyIsTakenAndOtherVendorsStillRefused() {
        var settings = ControllerSettings()
        settings.role = .master
        var sim = Sim(Recorder(), settings: settings)
        let id = sim.connect(FakeSwitch(datapathID: 1))
        sim.withSwitch(id) { $0.send(.vendor(NiciraRole(isReply: true, role: .master).vendorMessage)) }
        sim.run()
        #expect(sim.switches[id]!.errors.isEmpty)
        sim.withSwitch(id) { $0.send(.vendor(VendorMessage(vendor: 0x1234, body: [0, 0, 0, 1]))) }
        sim.run()
        #expect(sim.switches[id]!.errors.map(\.code) == [.badVendor])
    }
}
