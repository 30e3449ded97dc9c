import OpenFlow
import Scheduler
import Switch
import Testing
import Wire

/// Every action: where packets go, and what rewrites do to the bytes and checksums.
struct ActionTests {
    let h1 = Packets.host(1)
    let h2 = Packets.host(2)

    /// Installs one flow for in_port 1 with `actions` and sends `frame` through it.
    func run(_ actions: [Action], _ frame: [UInt8], inPort: UInt16 = 1, configure: (inout Datapath) -> Void = { _ in }) throws -> [Sent] {
        var dp = Fixture.datapath(queues: [3: [PortQueue(queueID: 7, minRate: 500)]])
        configure(&dp)
        try dp.install(Fixture.flow(Match(), actions: actions))
        return dp.send(frame, inPort: inPort)
    }

    // MARK: Outputs

    @Test func outputToTheInPortNeedsInPort() throws {
        let frame = Packets.udp()
        #expect(try run([.output(port: PortNumber(1))], frame).isEmpty)
        #expect(try run([.output(port: .inPort)], frame) == [Sent(port: 1, frame: frame)])
    }

    @Test func floodSkipsTheInPortNoFloodDownAndNoFwdPorts() throws {
        let frame = Packets.udp()
        let sent = try run([.output(port: .flood)], frame) { dp in
            dp.addPort(Fixture.port(5, config: .noFlood))
            dp.addPort(Fixture.port(6, config: .portDown))
            dp.addPort(Fixture.port(7, config: .noFwd))
            dp.addPort(Fixture.port(8, state: .linkDown))
            dp.addPort(Fixture.port(9))
            dp.addPort(PhyPort(portNumber: .local, hardwareAddress: Fixture.mac(ofPort: 0xFE), name: "local"))
        }
        #expect(sent.map(\.port) == [2, 3, 4, 9])
        #expect(sent.allSatisfy { $0.frame == frame })
    }

    @Test func allIgnoresNoFloodButNotPortsThatCannotSend() throws {
        let sent = try run([.output(port: .all)], Packets.udp()) { dp in
            dp.addPort(Fixture.port(5, config: .noFlood))
            dp.addPort(Fixture.port(6, config: .portDown))
        }
        #expect(sent.map(\.port) == [2, 3, 4, 5])
    }

    @Test func outputToAPortThatCannotSendCountsADrop() throws {
        var dp = Fixture.datapath()
        try dp.portMod(PortMod(portNumber: PortNumber(2), hardwareAddress: Fixture.mac(ofPort: 2), config: .noFwd, mask: .noFwd))
        try dp.install(Fixture.flow(Match(), actions: [.output(port: PortNumber(2))]))
        #expect(dp.send(Packets.udp(), inPort: 1).isEmpty)
        #expect(dp.port(PortNumber(2))?.stats.txDropped == 1)
    }

    @Test func localGoesToTheLocalPort() throws {
        let sent = try run([.output(port: .local)], Packets.udp()) { dp in
            dp.addPort(PhyPort(portNumber: .local, hardwareAddress: Fixture.mac(ofPort: 0xFE), name: "br0"))
        }
        #expect(sent.map(\.port) == [PortNumber.local.rawValue])
        #expect(try run([.output(port: .local)], Packets.udp()).isEmpty)  // no LOCAL port
    }

    @Test func controllerSendsMaxLengthBytesWithABuffer() throws {
        var dp = Fixture.datapath()
        try dp.install(Fixture.flow(Match(), actions: [.output(port: PortNumber(2)), .output(port: .controller, maxLength: 20)]))
        let frame = Packets.udp()
        #expect(dp.send(frame, inPort: 1).map(\.port) == [2])
        let packetIn = try #require(dp.messages().first?.packetIn)
        #expect(packetIn.reason == .action)
        #expect(packetIn.inPort == PortNumber(1))
        #expect(Array(packetIn.data) == Array(frame.prefix(20)))
        #expect(packetIn.totalLength == UInt16(frame.count))
        #expect(packetIn.bufferID != BufferID.none)
    }

    @Test func normalLearnsAndForwards() throws {
        var dp = Fixture.datapath()
        try dp.install(Fixture.flow(Match(), actions: [.output(port: .normal)]))
        // Unknown destination: flooded (not back to port 1).
        #expect(dp.send(Packets.raw(src: h1, dst: h2), inPort: 1).map(\.port) == [2, 3, 4])
        // h2 answers from port 2: h1 is known on port 1.
        #expect(dp.send(Packets.raw(src: h2, dst: h1), inPort: 2).map(\.port) == [1])
        #expect(dp.send(Packets.raw(src: h1, dst: h2), inPort: 1).map(\.port) == [2])
        // Broadcast is flooded; a destination on the in_port is dropped.
        #expect(dp.send(Packets.raw(src: h1, dst: .broadcast), inPort: 1).map(\.port) == [2, 3, 4])
        #expect(dp.send(Packets.raw(src: h2, dst: h1), inPort: 1).isEmpty)
        // h2 moved to port 1 with that frame: h1 -> h2 now goes... nowhere (in_port).
        #expect(dp.send(Packets.raw(src: h1, dst: h2), inPort: 1).isEmpty)
        // Other VLANs learn apart.
        #expect(dp.send(Packets.raw(src: h1, dst: h2, vlan: 10), inPort: 3).map(\.port) == [1, 2, 4])
    }

    @Test func normalAgesAddresses() throws {
        var settings = DatapathSettings()
        settings.macAgingTime = .seconds(10)
        var dp = Fixture.datapath(settings: settings)
        try dp.install(Fixture.flow(Match(), actions: [.output(port: .normal)]))
        _ = dp.send(Packets.raw(src: h2, dst: h1), inPort: 2, now: .seconds(0))
        #expect(dp.send(Packets.raw(src: h1, dst: h2), inPort: 1, now: .seconds(5)).map(\.port) == [2])
        #expect(dp.send(Packets.raw(src: h1, dst: h2), inPort: 1, now: .seconds(11)).map(\.port) == [2, 3, 4])
    }

    @Test func enqueueTagsTheTransmissionAndCountsOnTheQueue() throws {
        var dp = Fixture.datapath(queues: [3: [PortQueue(queueID: 7, minRate: 500)]])
        try dp.install(Fixture.flow(Match(), actions: [.enqueue(port: PortNumber(3), queueID: 7)]))
        let frame = Packets.udp()
        #expect(dp.send(frame, inPort: 1) == [Sent(port: 3, frame: frame, queueID: 7)])
        let stats = try dp.queueStats(port: PortNumber(3), queueID: 7)
        #expect(stats == [QueueStats(portNumber: PortNumber(3), queueID: 7, txBytes: UInt64(frame.count), txPackets: 1, txErrors: 0)])
        #expect(dp.port(PortNumber(3))?.stats.txPackets == 1)
    }

    @Test func enqueueThroughInPortNeedsTheQueueThere() throws {
        var dp = Fixture.datapath(queues: [3: [PortQueue(queueID: 7)]])
        try dp.install(Fixture.flow(Match(), actions: [.enqueue(port: .inPort, queueID: 7)]))
        #expect(dp.send(Packets.udp(), inPort: 3).map(\.queueID) == [7])
        #expect(dp.send(Packets.udp(), inPort: 1).isEmpty)
        #expect(dp.port(PortNumber(1))?.stats.txErrors == 1)
    }

    // MARK: Rewrites

    @Test func eachOutputSendsThePacketAsModifiedSoFar() throws {
        let frame = Packets.udp()
        let sent = try run([
            .output(port: PortNumber(2)), .setDLDst(Packets.host(9)), .output(port: PortNumber(3)),
            .setDLSrc(Packets.host(8)), .output(port: PortNumber(4)),
        ], frame)
        #expect(sent.map(\.port) == [2, 3, 4])
        #expect(sent[0].frame == frame)
        #expect(Array(sent[1].frame[0..<6]) == Packets.mac(Packets.host(9)))
        #expect(Array(sent[1].frame[6..<12]) == Packets.mac(h1))
        #expect(Array(sent[2].frame[0..<12]) == Packets.mac(Packets.host(9)) + Packets.mac(Packets.host(8)))
        #expect(sent[1].frame[12...] == frame[12...])
    }

    @Test func setVLANVIDPushesATagWhenThereIsNone() throws {
        let frame = Packets.udp()
        let sent = try run([.setVLANVID(42), .output(port: PortNumber(2))], frame)
        let out = sent[0].frame
        #expect(out.count == frame.count + 4)
        #expect(Array(out[12..<16]) == [0x81, 0x00, 0x00, 42])
        #expect(Array(out[16...]) == Array(frame[12...]))
        #expect(Match(frame: out[...], inPort: PortNumber(2)).dlVLAN == 42)
    }

    @Test func setVLANVIDAndPCPRewriteAnExistingTag() throws {
        let frame = Packets.udp(vlan: 0xA00A)  // PCP 5, VID 10
        let sent = try run([.setVLANVID(99), .output(port: PortNumber(2)), .setVLANPCP(3), .output(port: PortNumber(3))], frame)
        #expect(sent[0].frame.count == frame.count)
        #expect(Array(sent[0].frame[14..<16]) == [0xA0, 99])
        #expect(Array(sent[1].frame[14..<16]) == [0x60, 99])
    }

    @Test func setVLANPCPPushesATagWithVID0() throws {
        let sent = try run([.setVLANPCP(6), .output(port: PortNumber(2))], Packets.udp())
        #expect(Array(sent[0].frame[12..<16]) == [0x81, 0x00, 0xC0, 0x00])
    }

    @Test func stripVLANRemovesTheTag() throws {
        let tagged = Packets.udp(vlan: 10)
        let sent = try run([.stripVLAN, .output(port: PortNumber(2))], tagged)
        #expect(sent[0].frame == Packets.udp())
        let untouched = try run([.stripVLAN, .output(port: PortNumber(2))], Packets.udp())
        #expect(untouched[0].frame == Packets.udp())
    }

    @Test func rewritesAfterAStripUseTheNewOffsets() throws {
        let sent = try run([.stripVLAN, .setNWDst(IPv4Address(192, 168, 1, 1)), .setTPDst(8080), .output(port: PortNumber(2))], Packets.udp(vlan: 10))
        #expect(sent[0].frame == Packets.udp(dstIP: IPv4Address(192, 168, 1, 1), dstPort: 8080))
    }

    @Test(arguments: [true, false])
    func setNWAddressesKeepEveryChecksumValid(tcp: Bool) throws {
        let frame = tcp ? Packets.tcp() : Packets.udp()
        let src = IPv4Address(172, 16, 0, 9)
        let dst = IPv4Address(192, 0, 2, 200)
        let sent = try run([.setNWSrc(src), .setNWDst(dst), .output(port: PortNumber(2))], frame)
        let out = sent[0].frame
        #expect(Packets.checksumsVerify(out))
        // The same as building the packet with these addresses from scratch.
        #expect(out == (tcp ? Packets.tcp(srcIP: src, dstIP: dst) : Packets.udp(srcIP: src, dstIP: dst)))
    }

    @Test func setNWAddressOnUDPWithoutChecksumLeavesItZero() throws {
        let frame = Packets.udp(withChecksum: false)
        let sent = try run([.setNWDst(IPv4Address(192, 0, 2, 1)), .output(port: PortNumber(2))], frame)
        #expect(Packets.udpChecksumField(sent[0].frame) == 0)
        #expect(Packets.checksumsVerify(sent[0].frame))
    }

    @Test func udpChecksumThatWouldBecomeZeroIsSentAsFFFF() throws {
        // The checksum with destination port p is ~(S0 + p), S0 the sum with port 0:
        // p = ~S0, the checksum field of the port-0 datagram, makes it compute to zero.
        let port = Packets.udpChecksumField(Packets.udp(dstPort: 0))
        #expect(Packets.udpChecksumField(Packets.udp(dstPort: port)) == 0xFFFF)
        let sent = try run([.setTPDst(port), .output(port: PortNumber(2))], Packets.udp(dstPort: 53))
        #expect(Packets.udpChecksumField(sent[0].frame) == 0xFFFF)
        #expect(Packets.checksumsVerify(sent[0].frame))
    }

    @Test func setNWAddressOnICMPFixesOnlyTheIPChecksum() throws {
        let sent = try run([.setNWSrc(IPv4Address(1, 2, 3, 4)), .output(port: PortNumber(2))], Packets.icmpEcho())
        #expect(sent[0].frame == Packets.icmpEcho(srcIP: IPv4Address(1, 2, 3, 4)))
        #expect(Packets.checksumsVerify(sent[0].frame))
    }

    @Test func setNWTOSChangesDSCPKeepsECNAndTheChecksum() throws {
        let frame = Packets.udp(tos: 0x03)
        let sent = try run([.setNWTOS(0xB8), .output(port: PortNumber(2))], frame)
        #expect(sent[0].frame == Packets.udp(tos: 0xBB))
        #expect(Packets.checksumsVerify(sent[0].frame))
    }

    @Test(arguments: [true, false])
    func setTransportPortsKeepTheChecksumValid(tcp: Bool) throws {
        let frame = tcp ? Packets.tcp() : Packets.udp()
        let sent = try run([.setTPSrc(1234), .setTPDst(4321), .output(port: PortNumber(2))], frame)
        #expect(sent[0].frame == (tcp ? Packets.tcp(srcPort: 1234, dstPort: 4321) : Packets.udp(srcPort: 1234, dstPort: 4321)))
        #expect(Packets.checksumsVerify(sent[0].frame))
    }

    @Test func rewritesLeaveOtherProtocolsAlone() throws {
        let arp = Packets.arp(src: h1, srcIP: Packets.ip(1), dstIP: Packets.ip(2))
        let sent = try run([.setNWSrc(IPv4Address(9, 9, 9, 9)), .setTPDst(1), .setNWTOS(0x20), .output(port: PortNumber(2))], arp)
        #expect(sent[0].frame == arp)
        let icmp = Packets.icmpEcho()
        #expect(try run([.setTPSrc(1), .output(port: PortNumber(2))], icmp)[0].frame == icmp)
        let short = [UInt8](repeating: 0xFF, count: 10)  // not even an Ethernet header
        #expect(try run([.setDLSrc(h2), .setVLANVID(1), .output(port: PortNumber(2))], short)[0].frame == short)
    }

    @Test func fragmentRewritesFixTheFirstFragmentsTransportChecksumOnly() throws {
        let first = Packets.udpFragment(first: true)
        let sent = try run([.setNWDst(IPv4Address(10, 9, 9, 9)), .setTPDst(99), .output(port: PortNumber(2))], first)
        let out = sent[0].frame
        #expect(InternetChecksum.checksum(out[14..<34]) == 0)
        #expect(out[36...37] == [0, 99])  // the first fragment has the ports
        let later = Packets.udpFragment(first: false)
        let laterOut = try run([.setTPDst(99), .output(port: PortNumber(2))], later)[0].frame
        #expect(laterOut == later)
    }

    @Test func aDroppedPacketCopiesNothingAndSendsNothing() throws {
        #expect(try run([], Packets.udp()).isEmpty)
        #expect(try run([.setDLDst(h2)], Packets.udp()).isEmpty)
    }
}
