import Controller
import OpenFlow
import Testing

struct HubTests {
    static let frame = Frames.ethernet(src: Frames.host(1), dst: Frames.host(2))

    /// Unbuffered (Open vSwitch): the PACKET_OUT carries the frame.
    @Test func floodsWithTheData() {
        var sim = Simulation(Hub())
        let id = sim.connect(FakeSwitch(datapathID: 1))
        sim.withSwitch(id) { $0.sendPacketIn(Self.frame, inPort: 2) }
        sim.run()
        #expect(
            sim.switches[id]!.packetOuts == [
                PacketOut(bufferID: BufferID.none, inPort: PortNumber(2), actions: [.output(port: .flood)], data: Self.frame[...])
            ])
        #expect(sim.switches[id]!.flowMods.isEmpty)
        #expect(sim.core.counters.packetOuts == 1)
    }

    /// Buffered: the PACKET_OUT names the buffer and carries no data.
    @Test func floodsByBufferID() {
        var sim = Simulation(Hub())
        let id = sim.connect(FakeSwitch(datapathID: 1, bufferCount: 256))
        let buffer = sim.withSwitch(id) { $0.sendPacketIn(Self.frame, inPort: 3) }
        sim.run()
        #expect(
            sim.switches[id]!.packetOuts == [PacketOut(bufferID: buffer, inPort: PortNumber(3), actions: [.output(port: .flood)])])
    }

    /// An unbuffered packet the switch cut short cannot be forwarded whole.
    @Test func truncatedUnbufferedPacketIsNotSent() {
        var sim = Simulation(Hub())
        let id = sim.connect(FakeSwitch(datapathID: 1))
        let packetIn = PacketIn(
            bufferID: BufferID.none, totalLength: 200, inPort: PortNumber(1), reason: .noMatch, data: Self.frame[...])
        sim.withSwitch(id) { $0.send(.packetIn(packetIn)) }
        sim.run()
        #expect(sim.switches[id]!.packetOuts.isEmpty)
    }
}
