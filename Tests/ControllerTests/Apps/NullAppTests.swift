import Controller
import OpenFlow
import Testing

struct NullAppTests {
    /// One fixed FLOW_MOD ADD per packet_in, carrying that packet's buffer id.
    @Test func answersEachPacketInWithTheFixedFlowMod() {
        var sim = Simulation(NullApp())
        let id = sim.connect(FakeSwitch(datapathID: 1, bufferCount: 64))
        var buffers: [UInt32] = []
        for port: UInt16 in 1...3 {
            buffers.append(sim.withSwitch(id) { $0.sendPacketIn(Frames.ethernet(src: Frames.host(UInt8(port)), dst: Frames.host(9)), inPort: port) })
        }
        sim.run()
        let flowMods = sim.switches[id]!.flowMods
        #expect(flowMods.map(\.bufferID) == buffers)
        #expect(flowMods.allSatisfy { $0.command == .add && $0.actions == [.output(port: PortNumber(2))] })
        #expect(Set(flowMods.map(\.match)).count == 1)
        #expect(flowMods.first?.match.wildcards == Wildcards.exact)
        #expect(sim.switches[id]!.packetOuts.isEmpty)
        #expect(sim.core.counters.flowMods == 3)
        #expect(sim.core.counters.packetIns == 3)
        #expect(sim.core.counters.packetInsDropped == 0)
        // In: HELLO, FEATURES_REPLY and the 3 packet_ins; out: HELLO, FEATURES_REQUEST,
        // SET_CONFIG and the 3 FLOW_MODs.
        #expect(sim.core.counters.messagesIn == 5)
        #expect(sim.core.counters.messagesOut == 6)
    }
}
