import OpenFlow
import Scheduler
import Switch
import Testing

/// IP fragments by OFPC_FRAG_*.
struct FragmentTests {
    @Test func normalMatchesFragmentsWithTransportPortsZero() throws {
        var dp = Fixture.datapath()
        try dp.install(Fixture.flow(Fixture.match(dlType: 0x0800, nwProto: 17, tpDst: 0), actions: [.output(port: PortNumber(2))]))
        try dp.install(Fixture.flow(Fixture.match(dlType: 0x0800, nwProto: 17, tpDst: 53), actions: [.output(port: PortNumber(3))]))
        #expect(dp.send(Packets.udpFragment(first: true), inPort: 1).map(\.port) == [2])
        #expect(dp.send(Packets.udpFragment(first: false), inPort: 1).map(\.port) == [2])
        #expect(dp.send(Packets.udp(dstPort: 53), inPort: 1).map(\.port) == [3])
    }

    @Test func dropDropsEveryFragment() throws {
        var dp = Fixture.datapath()
        dp.setConfig(SwitchConfig(flags: .fragDrop, missSendLength: 128))
        try dp.install(Fixture.flow(Match(), actions: [.output(port: PortNumber(2))]))
        #expect(dp.send(Packets.udpFragment(first: true), inPort: 1).isEmpty)
        #expect(dp.send(Packets.udpFragment(first: false), inPort: 1).isEmpty)
        #expect(dp.send(Packets.udp(), inPort: 1).map(\.port) == [2])
        #expect(dp.counters.fragmentDrops == 2)
    }

    @Test func reassemblyIsNotOfferedSoSetConfigKeepsTheModeInForce() {
        var dp = Fixture.datapath()
        dp.setConfig(SwitchConfig(flags: .fragDrop, missSendLength: 200))
        dp.setConfig(SwitchConfig(flags: .fragReassemble, missSendLength: 300))
        #expect(dp.config.flags == .fragDrop)
        #expect(dp.config.missSendLength == 300)
        #expect(!dp.features.capabilities.contains(.ipReassembly))
    }
}
