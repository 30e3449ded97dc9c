import NetStack
import Scheduler
import Testing
import TestSupport
import Wire

@Suite struct IPv4Tests {
    /// An ICMP echo request from A to B: the frame most of these tests spoil.
    static let ping = Net.ipFrame(proto: 1, Net.icmp(type: 8, rest: 0x0001_0001, [1, 2, 3, 4]))

    @Test func filtersByEthernetDestinationAndType() {
        var stack = Net.stack()
        let icmp = Net.icmp(type: 8, rest: 1)
        stack.receive(frame: Net.ipFrame(proto: 1, ethernetDestination: MACAddress(0x02, 0, 0, 0, 0, 9), icmp)[...], now: .zero)
        stack.receive(frame: Net.ipFrame(proto: 1, ethernetDestination: MACAddress(0x01, 0, 0x5E, 0, 0, 1), icmp)[...], now: .zero)
        stack.receive(frame: Frames.tagged(dst: Net.macB, src: Net.macA, pcp: 0, vid: 10, type: 0x0800, Frames.ipv4(proto: 1, src: Net.ipA, dst: Net.ipB, icmp))[...], now: .zero)
        stack.receive(frame: Frames.ethernet(dst: Net.macB, src: Net.macA, type: 0x86DD, [UInt8](repeating: 0, count: 40))[...], now: .zero)
        stack.receive(frame: Array(Self.ping.prefix(13))[...], now: .zero)
        #expect(Net.drain(&stack).isEmpty)
        #expect(stack.counters.droppedNotForUs == 1)
        #expect(stack.counters.droppedMulticast == 1)
        #expect(stack.counters.droppedVLANTagged == 1)
        #expect(stack.counters.droppedUnknownEtherType == 1)
        #expect(stack.counters.droppedTruncated == 1)
        #expect(stack.counters.framesIn == 5)
    }

    @Test func dropsMalformedHeaders() {
        var stack = Net.stack()
        Net.learnPeer(&stack)
        func spoiled(_ change: (inout [UInt8]) -> Void) -> [UInt8] {
            var frame = Self.ping
            change(&frame)
            return frame
        }
        func fixChecksum(_ frame: inout [UInt8]) {
            frame[24] = 0
            frame[25] = 0
            let sum = Net.checksum(Array(frame[14..<34]))
            frame[24] = UInt8(sum >> 8)
            frame[25] = UInt8(sum & 0xFF)
        }
        let cases: [(String, [UInt8], KeyPath<NetStackCounters, UInt64>)] = [
            ("truncated header", Array(Self.ping.prefix(14 + 19)), \.droppedTruncated),
            ("IHL 4", spoiled { $0[14] = 0x44; fixChecksum(&$0) }, \.droppedBadHeader),
            ("version 6", spoiled { $0[14] = 0x65; fixChecksum(&$0) }, \.droppedBadHeader),
            ("IHL past the frame", spoiled { $0[14] = 0x4F; fixChecksum(&$0) }, \.droppedTruncated),
            ("bad checksum", spoiled { $0[25] ^= 0xFF }, \.droppedBadChecksum),
            ("total length past the frame", spoiled { $0[17] = 200; fixChecksum(&$0) }, \.droppedTruncated),
            ("total length below the header", spoiled { $0[17] = 19; fixChecksum(&$0) }, \.droppedBadHeader),
            ("not our address", spoiled { $0[33] = 99; fixChecksum(&$0) }, \.droppedNotForUs),
            ("broadcast source", spoiled { for i in 26..<30 { $0[i] = 255 }; fixChecksum(&$0) }, \.droppedBadSource),
            ("bad ICMP checksum", spoiled { $0[36] ^= 0xFF }, \.droppedBadChecksum),
        ]
        for (name, frame, counter) in cases {
            let before = stack.counters[keyPath: counter]
            stack.receive(frame: frame[...], now: .zero)
            #expect(stack.counters[keyPath: counter] == before + 1, "\(name)")
            #expect(Net.drain(&stack).isEmpty, "\(name)")
        }
        // The unspoiled frame is answered, with Ethernet padding after it ignored.
        stack.receive(frame: (Self.ping + [0, 0, 0, 0])[...], now: .zero)
        #expect(Net.drain(&stack).count == 1)
    }

    @Test func randomFramesNeverTrap() {
        let seed = propertySeed
        var random = SplitMix64(seed: seed)
        var stack = Net.stack()
        _ = try? stack.udpBind(port: 9)
        for i in 0..<3000 {
            var frame = random.bool() ? Self.ping : Net.ipFrame(proto: 17, Net.udp(srcPort: 1, dstPort: 9, random.bytes(upTo: 40)))
            // Flip some bytes, cut the frame, or both.
            for _ in 0..<random.int(0...4) { frame[random.int(0..<frame.count)] = random.u8() }
            if random.bool() { frame = Array(frame.prefix(random.int(0...frame.count))) }
            if i % 7 == 0 { frame = random.bytes(upTo: 80) }
            stack.receive(frame: frame[...], now: Instant(nanoseconds: UInt64(i) * 1_000_000))
            _ = Net.drain(&stack, now: Instant(nanoseconds: UInt64(i) * 1_000_000))
        }
        #expect(stack.counters.framesIn == 3000, "seed \(seed)")
    }

    @Test func answersAnUnknownProtocolWithProtocolUnreachable() throws {
        var stack = Net.stack()
        Net.learnPeer(&stack)
        let gre = Net.ipFrame(proto: 47, [0, 0, 0x08, 0x00, 1, 2, 3, 4])
        stack.receive(frame: gre[...], now: .zero)
        let frames = Net.drain(&stack)
        let reply = try #require(frames.first.flatMap(Net.parse))
        #expect(reply.ip.proto == .icmp && reply.ip.destination == Net.ipA && reply.ip.source == Net.ipB)
        let icmp = try ICMPHeader(reply.payload)
        #expect(icmp.type == 3 && icmp.code == 2)
        #expect(Array(icmp.payload) == Array(gre[14...]), "quotes the whole short datagram")
        #expect(Net.checksum(Array(reply.payload)) == 0)
        #expect(stack.counters.protocolUnreachable == 1)
    }

    @Test func sendsOffLinkThroughTheGatewayAndRefusesWithoutOne() throws {
        var stack = Net.stack()
        Net.learnPeer(&stack, ip: Net.gateway, mac: Net.gatewayMAC)
        try stack.ping(to: Net.remote, identifier: 1, sequence: 1, payloadLength: 8, now: .zero)
        let frame = try #require(Net.drain(&stack).first.flatMap(Net.parse))
        #expect(frame.ethernet.destination == Net.gatewayMAC)
        #expect(frame.ip.destination == Net.remote)

        var isolated = Net.stack(gateway: nil)
        #expect(throws: NetError.noRoute) {
            try isolated.ping(to: Net.remote, identifier: 1, sequence: 1, payloadLength: 8, now: .zero)
        }
    }

    @Test func writesHeadersAsRFC791Asks() throws {
        var stack = Net.stack()
        Net.learnPeer(&stack)
        try stack.ping(to: Net.ipA, identifier: 7, sequence: 9, payloadLength: 0, now: .zero)
        try stack.ping(to: Net.ipA, identifier: 7, sequence: 10, payloadLength: 0, now: .zero)
        let frames = Net.drain(&stack)
        #expect(frames.count == 2)
        let first = try #require(Net.parse(frames[0]))
        let second = try #require(Net.parse(frames[1]))
        #expect(frames[0].count == 60, "padded to the Ethernet minimum")
        #expect(first.ethernet.source == Net.macB && first.ethernet.etherType == .ipv4)
        #expect(first.ip.headerLength == 20 && first.ip.totalLength == 28 && first.ip.ttl == 64)
        #expect(first.ip.checksumIsValid && !first.ip.isFragment)
        #expect(second.ip.identification == first.ip.identification &+ 1)
    }

    @Test func dropsAFrameLargerThanTheTransmitBuffer() throws {
        var stack = Net.stack()
        Net.learnPeer(&stack)
        try stack.ping(to: Net.ipA, identifier: 1, sequence: 1, payloadLength: 1000, now: .zero)
        try stack.ping(to: Net.ipA, identifier: 1, sequence: 2, payloadLength: 10, now: .zero)
        var small = [UInt8](repeating: 0, count: 200)
        let length = small.withUnsafeMutableBytes { stack.transmit(into: $0, now: .zero) }
        #expect(length == 60, "the big frame is dropped, the small one sent")
        #expect(stack.counters.transmitBufferTooSmall == 1)
        var tiny = [UInt8](repeating: 0, count: 10)
        #expect(tiny.withUnsafeMutableBytes { stack.transmit(into: $0, now: .zero) } == 0)
    }
}
