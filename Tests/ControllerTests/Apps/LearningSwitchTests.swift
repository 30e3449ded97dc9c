import Controller
import OpenFlow
import Testing
import Wire

/// The learning switch against a fake switch: hosts 1, 2, 3 on ports 1, 2, 3.
struct LearningSwitchTests {
    typealias Sim = Simulation<AppChain<Recorder, LearningSwitch>>
    static let datapath = DatapathID(1)
    static let (a, b, c) = (Frames.host(1), Frames.host(2), Frames.host(3))

    static func start(bufferCount: UInt32 = 0, portCount: Int = 3) -> (Sim, ConnectionID) {
        var sim = Sim(AppChain(Recorder(), LearningSwitch()))
        let id = sim.connect(FakeSwitch(datapathID: 1, portCount: portCount, bufferCount: bufferCount))
        return (sim, id)
    }

    /// Sends a frame from `src` on `port`, runs, and returns what the switch got back.
    @discardableResult
    static func packet(
        _ sim: inout Sim, _ id: ConnectionID, from src: MACAddress, to dst: MACAddress, port: UInt16
    ) -> (flowMods: [FlowMod], packetOuts: [PacketOut]) {
        sim.withSwitch(id) {
            $0.forgetReceived()
            $0.sendPacketIn(Frames.ethernet(src: src, dst: dst), inPort: port)
        }
        sim.run()
        return (sim.switches[id]!.flowMods, sim.switches[id]!.packetOuts)
    }

    @Test func unknownDestinationIsFloodedAndSourceLearned() {
        var (sim, id) = Self.start()
        let (flowMods, packetOuts) = Self.packet(&sim, id, from: Self.a, to: Self.b, port: 1)
        #expect(flowMods.isEmpty)
        #expect(packetOuts.map(\.actions) == [[.output(port: .flood)]])
        #expect(sim.core.app.second.port(of: Self.a, on: Self.datapath) == PortNumber(1))
    }

    /// Unbuffered (OVS): an exact-match FLOW_MOD with the idle timeout, then the packet
    /// itself in a PACKET_OUT.
    @Test func knownDestinationUnbufferedGetsFlowAndPacketOut() {
        var (sim, id) = Self.start()
        Self.packet(&sim, id, from: Self.a, to: Self.b, port: 1)
        let frame = Frames.ethernet(src: Self.b, dst: Self.a)
        let (flowMods, packetOuts) = Self.packet(&sim, id, from: Self.b, to: Self.a, port: 2)
        #expect(
            flowMods == [
                FlowMod(
                    match: Match(frame: frame[...], inPort: PortNumber(2)), command: .add, idleTimeout: 60,
                    bufferID: BufferID.none, actions: [.output(port: PortNumber(1))])
            ])
        #expect(
            packetOuts == [
                PacketOut(bufferID: BufferID.none, inPort: PortNumber(2), actions: [.output(port: PortNumber(1))], data: frame[...])
            ])
        #expect(sim.switches[id]!.received.map(\.type) == [.flowMod, .packetOut])
    }

    /// Buffered: the FLOW_MOD carries the buffer id and no PACKET_OUT follows.
    @Test func knownDestinationBufferedGetsOnlyTheFlow() {
        var (sim, id) = Self.start(bufferCount: 256)
        Self.packet(&sim, id, from: Self.a, to: Self.b, port: 1)
        let (flowMods, packetOuts) = Self.packet(&sim, id, from: Self.b, to: Self.a, port: 2)
        #expect(flowMods.map(\.bufferID) == [2])
        #expect(flowMods.first?.actions == [.output(port: PortNumber(1))])
        #expect(packetOuts.isEmpty)
        #expect(sim.core.counters.flowMods == 1)
    }

    @Test func broadcastAndMulticastAreFlooded() {
        var (sim, id) = Self.start()
        Self.packet(&sim, id, from: Self.a, to: Self.b, port: 1)
        for dst in [MACAddress.broadcast, MACAddress(0x01, 0x00, 0x5E, 0x00, 0x00, 0x01)] {
            let (flowMods, packetOuts) = Self.packet(&sim, id, from: Self.b, to: dst, port: 2)
            #expect(flowMods.isEmpty)
            #expect(packetOuts.map(\.actions) == [[.output(port: .flood)]])
        }
        // A multicast source is never learned.
        Self.packet(&sim, id, from: .broadcast, to: Self.a, port: 3)
        #expect(sim.core.app.second.port(of: .broadcast, on: Self.datapath) == nil)
    }

    /// A destination on the packet's own port: drop (a flow with no actions), never
    /// back out where it came from.
    @Test func destinationOnTheInPortGetsADropFlow() {
        var (sim, id) = Self.start()
        Self.packet(&sim, id, from: Self.a, to: Self.b, port: 1)
        let (flowMods, packetOuts) = Self.packet(&sim, id, from: Self.c, to: Self.a, port: 1)
        #expect(flowMods.count == 1)
        #expect(flowMods.first?.actions == [])
        #expect(flowMods.first?.match.inPort == PortNumber(1))
        #expect(packetOuts.isEmpty)
    }

    /// A MAC seen on a new port moves there, and flows toward its old port are deleted.
    @Test func hostMoveUpdatesTheTableAndDeletesStaleFlows() {
        var (sim, id) = Self.start()
        Self.packet(&sim, id, from: Self.a, to: Self.b, port: 1)
        let (flowMods, _) = Self.packet(&sim, id, from: Self.a, to: Self.b, port: 3)
        #expect(sim.core.app.second.port(of: Self.a, on: Self.datapath) == PortNumber(3))
        #expect(
            flowMods == [
                FlowMod(match: Match(wildcards: Wildcards.all.subtracting(.dlDst), dlDst: Self.a), command: .delete, outPort: PortNumber(1))
            ])
        let (toA, _) = Self.packet(&sim, id, from: Self.b, to: Self.a, port: 2)
        #expect(toA.first?.actions == [.output(port: PortNumber(3))])
    }

    /// A port going down (link down, administratively down, or deleted) forgets the
    /// MACs behind it and deletes flows out of it.
    @Test(arguments: [
        PortStatus(reason: .modify, port: FakeSwitch.port(2, state: .linkDown)),
        PortStatus(reason: .delete, port: FakeSwitch.port(2)),
        PortStatus(reason: .modify, port: PhyPort(portNumber: PortNumber(2), hardwareAddress: .zero, name: "eth2", config: .portDown)),
    ])
    func portDownForgetsItsHostsAndFlows(status: PortStatus) {
        var (sim, id) = Self.start()
        Self.packet(&sim, id, from: Self.a, to: Self.c, port: 1)
        Self.packet(&sim, id, from: Self.b, to: Self.c, port: 2)
        sim.withSwitch(id) {
            $0.forgetReceived()
            $0.send(.portStatus(status))
        }
        sim.run()
        #expect(sim.switches[id]!.flowMods == [FlowMod(match: Match(), command: .delete, outPort: PortNumber(2))])
        #expect(sim.core.app.second.port(of: Self.b, on: Self.datapath) == nil)
        #expect(sim.core.app.second.port(of: Self.a, on: Self.datapath) == PortNumber(1))
    }

    @Test func portUpChangesNothing() {
        var (sim, id) = Self.start()
        Self.packet(&sim, id, from: Self.b, to: Self.c, port: 2)
        sim.withSwitch(id) {
            $0.forgetReceived()
            $0.send(.portStatus(PortStatus(reason: .modify, port: FakeSwitch.port(2))))
        }
        sim.run()
        #expect(sim.switches[id]!.received.isEmpty)
        #expect(sim.core.app.second.port(of: Self.b, on: Self.datapath) == PortNumber(2))
    }

    @Test func tablesArePerDatapathAndDroppedWhenItGoesDown() {
        var (sim, id) = Self.start()
        let other = sim.connect(FakeSwitch(datapathID: 2))
        Self.packet(&sim, id, from: Self.a, to: Self.b, port: 1)
        #expect(sim.core.app.second.port(of: Self.a, on: DatapathID(2)) == nil)
        let (flowMods, _) = Self.packet(&sim, other, from: Self.b, to: Self.a, port: 1)
        #expect(flowMods.isEmpty)
        sim.disconnect(id)
        #expect(sim.core.app.second.port(of: Self.a, on: Self.datapath) == nil)
    }

    /// Learning stops at the limit by evicting, so random sources cannot grow memory.
    @Test func macTableIsBounded() {
        var settings = LearningSwitch.Settings()
        settings.macLimit = 8
        var sim = Simulation(LearningSwitch(settings: settings))
        let id = sim.connect(FakeSwitch(datapathID: 1))
        for n in 0..<100 {
            sim.withSwitch(id) { $0.sendPacketIn(Frames.ethernet(src: MACAddress(rawValue: UInt64(n + 1) << 8), dst: .broadcast), inPort: 1) }
        }
        sim.run()
        let known = (0..<100).filter { sim.core.app.port(of: MACAddress(rawValue: UInt64($0 + 1) << 8), on: DatapathID(1)) != nil }
        #expect(known.count == 8)
        #expect(known.contains(99))
    }

    @Test func settingsShapeTheFlow() {
        var settings = LearningSwitch.Settings()
        settings.idleTimeout = 5
        settings.hardTimeout = 30
        settings.priority = 1000
        var sim = Simulation(LearningSwitch(settings: settings))
        let id = sim.connect(FakeSwitch(datapathID: 1))
        sim.withSwitch(id) {
            $0.sendPacketIn(Frames.ethernet(src: Self.a, dst: Self.b), inPort: 1)
            $0.sendPacketIn(Frames.ethernet(src: Self.b, dst: Self.a), inPort: 2)
        }
        sim.run()
        let flow = sim.switches[id]!.flowMods.first
        #expect(flow?.idleTimeout == 5)
        #expect(flow?.hardTimeout == 30)
        #expect(flow?.priority == 1000)
    }
}
