import OpenFlow
import Scheduler
import Switch
import Testing
import Wire

/// Ports: PORT_MOD, PORT_STATUS, counters, and the receive-side config bits.
struct PortTests {
    @Test func portStatusOnAddDeleteAndLinkChange() throws {
        var dp = Fixture.datapath(ports: 2)
        dp.addPort(Fixture.port(3))
        dp.setLinkDown(PortNumber(3), true)
        dp.setLinkDown(PortNumber(3), true)  // no change, no message
        dp.setLinkDown(PortNumber(3), false)
        dp.removePort(PortNumber(3))
        let statuses = dp.messages().compactMap(\.portStatus)
        #expect(statuses.map(\.reason) == [.add, .modify, .modify, .delete])
        #expect(statuses.map(\.port.portNumber) == Array(repeating: PortNumber(3), count: 4))
        #expect(statuses[1].port.state.contains(.linkDown))
        #expect(!statuses[2].port.state.contains(.linkDown))
        #expect(dp.features.ports.map(\.portNumber) == [PortNumber(1), PortNumber(2)])
        // Duplicate and impossible numbers are refused.
        let duplicate = dp.addPort(Fixture.port(1))
        let zero = dp.addPort(Fixture.port(0))
        #expect(!duplicate && !zero)
    }

    @Test func portModSetsTheMaskedBitsAndReports() throws {
        var dp = Fixture.datapath()
        try dp.portMod(PortMod(
            portNumber: PortNumber(2), hardwareAddress: Fixture.mac(ofPort: 2),
            config: [.portDown, .noFlood, .noPacketIn], mask: [.portDown, .noFlood]))
        #expect(dp.port(PortNumber(2))?.description.config == [.portDown, .noFlood])
        try dp.portMod(PortMod(
            portNumber: PortNumber(2), hardwareAddress: Fixture.mac(ofPort: 2),
            config: [.noSTP, .noRecv, .noRecvSTP, .noFwd, .noPacketIn], mask: [.portDown, .noSTP, .noRecv, .noRecvSTP, .noFwd, .noPacketIn],
            advertise: [.rate10GbFD]))
        let port = try #require(dp.port(PortNumber(2)))
        #expect(port.description.config == [.noFlood, .noSTP, .noRecv, .noRecvSTP, .noFwd, .noPacketIn])
        #expect(port.description.advertised == [.rate10GbFD])
        let statuses = dp.messages().compactMap(\.portStatus)
        #expect(statuses.count == 2)
        #expect(statuses.allSatisfy { $0.reason == .modify })
        #expect(statuses[1].port.config == port.description.config)
        // The same again changes nothing: no PORT_STATUS.
        try dp.portMod(PortMod(portNumber: PortNumber(2), hardwareAddress: Fixture.mac(ofPort: 2), config: [], mask: []))
        #expect(dp.messages().isEmpty)
    }

    @Test func portModErrors() {
        var dp = Fixture.datapath()
        #expect(throws: DatapathError(.badPort)) {
            try dp.portMod(PortMod(portNumber: PortNumber(9), hardwareAddress: Fixture.mac(ofPort: 9), config: .portDown, mask: .portDown))
        }
        #expect(throws: DatapathError(.badPort)) {
            try dp.portMod(PortMod(portNumber: .flood, hardwareAddress: .zero, config: .portDown, mask: .portDown))
        }
        #expect(throws: DatapathError(.badHardwareAddress)) {
            try dp.portMod(PortMod(portNumber: PortNumber(2), hardwareAddress: Fixture.mac(ofPort: 3), config: .portDown, mask: .portDown))
        }
        #expect(dp.port(PortNumber(2))?.description.config == [])
    }

    @Test func receiveSideConfig() throws {
        var dp = Fixture.datapath()
        try dp.install(Fixture.flow(Match(), actions: [.output(port: .all)]))
        func mod(_ port: UInt16, _ config: PortConfig) throws {
            try dp.portMod(PortMod(portNumber: PortNumber(port), hardwareAddress: Fixture.mac(ofPort: port), config: config, mask: PortConfig(rawValue: 0x7F)))
        }
        let bpdu = Packets.raw(src: Packets.host(1), dst: MACAddress(rawValue: 0x0180_C200_0000))
        let data = Packets.udp()
        try mod(1, .noRecv)
        #expect(dp.send(data, inPort: 1).isEmpty)
        #expect(!dp.send(bpdu, inPort: 1).isEmpty)  // NO_RECV keeps BPDUs
        try mod(1, .noRecvSTP)
        #expect(dp.send(bpdu, inPort: 1).isEmpty)
        #expect(!dp.send(data, inPort: 1).isEmpty)
        try mod(1, .portDown)
        #expect(dp.send(data, inPort: 1).isEmpty)
        try mod(1, [])
        dp.setLinkDown(PortNumber(1), true)
        #expect(dp.send(data, inPort: 1).isEmpty)
        #expect(dp.port(PortNumber(1))?.stats.rxDropped == 4)
        #expect(dp.port(PortNumber(1))?.stats.rxPackets == 6)
        // Unknown in_port: counted on the datapath.
        #expect(dp.send(data, inPort: 77).isEmpty)
        #expect(dp.counters.unknownPortDrops == 1)
    }

    @Test func noPacketInKeepsMissesFromThatPortAway() throws {
        var dp = Fixture.datapath()
        try dp.portMod(PortMod(portNumber: PortNumber(1), hardwareAddress: Fixture.mac(ofPort: 1), config: .noPacketIn, mask: .noPacketIn))
        _ = dp.messages()
        _ = dp.send(Packets.udp(), inPort: 1)
        #expect(dp.messages().isEmpty)
        _ = dp.send(Packets.udp(), inPort: 2)
        #expect(dp.messages().count == 1)
        #expect(dp.counters.packetInDrops == 1)
    }

    @Test func portStatsCountBothDirections() throws {
        var dp = Fixture.datapath()
        try dp.install(Fixture.flow(Fixture.match(inPort: 1), actions: [.output(port: PortNumber(2)), .output(port: PortNumber(3))]))
        let frame = Packets.udp()
        for _ in 0..<3 { _ = dp.send(frame, inPort: 1) }
        dp.notePortErrors(PortNumber(2), rx: 1, tx: 2)
        let stats = dp.portStats(.none)
        #expect(stats.map(\.portNumber) == [1, 2, 3, 4].map { PortNumber($0) })
        #expect(stats[0].rxPackets == 3)
        #expect(stats[0].rxBytes == UInt64(3 * frame.count))
        #expect(stats[1].txPackets == 3)
        #expect(stats[1].txBytes == UInt64(3 * frame.count))
        #expect(stats[1].rxErrors == 1)
        #expect(stats[1].txErrors == 2)
        #expect(stats[2].txPackets == 3)
        #expect(dp.portStats(PortNumber(2)) == [stats[1]])
        #expect(dp.portStats(PortNumber(9)).isEmpty)
    }

    @Test func queueConfigAndQueueStatsErrors() throws {
        let dp = Fixture.datapath(queues: [1: [PortQueue(queueID: 1, minRate: 100), PortQueue(queueID: 2)]])
        let reply = try dp.queueConfig(port: PortNumber(1))
        #expect(reply.queues == [PacketQueue(queueID: 1, properties: [.minRate(100)]), PacketQueue(queueID: 2, properties: [])])
        #expect(try dp.queueConfig(port: PortNumber(2)).queues.isEmpty)
        #expect(throws: DatapathError(.queueBadPort)) { try dp.queueConfig(port: PortNumber(9)) }
        #expect(throws: DatapathError(.queueBadPort)) { try dp.queueConfig(port: .all) }
        #expect(try dp.queueStats(port: .all, queueID: QueueID.all).count == 2)
        #expect(try dp.queueStats(port: PortNumber(1), queueID: 2).count == 1)
        #expect(throws: DatapathError(.queueBadQueue)) { try dp.queueStats(port: PortNumber(1), queueID: 3) }
        #expect(throws: DatapathError(.queueBadPort)) { try dp.queueStats(port: PortNumber(9), queueID: QueueID.all) }
    }

    @Test func featuresDescribeTheSwitchHonestly() {
        var settings = DatapathSettings()
        settings.datapathID = 0xABC
        let dp = Fixture.datapath(ports: 3, settings: settings)
        let features = dp.features
        #expect(features.datapathID == 0xABC)
        #expect(features.bufferCount == 256)
        #expect(features.tableCount == 1)
        #expect(features.capabilities == [.flowStats, .tableStats, .portStats, .queueStats, .arpMatchIP])
        #expect(!features.capabilities.contains(.ipReassembly))
        #expect(!features.capabilities.contains(.stp))
        #expect(features.actions == 0xFFF)
        #expect(features.ports.count == 3)
    }
}
