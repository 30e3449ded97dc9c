import NetStack
import Scheduler
import Testing
import TestSupport
import Wire

@Suite struct UDPTests {
    static func read(_ stack: inout NetStack, _ socket: UDPSocket, capacity: Int = 2048) -> (IPv4Address, UInt16, [UInt8])? {
        var buffer = [UInt8](repeating: 0, count: capacity)
        guard let got = buffer.withUnsafeMutableBytes({ stack.udpReceive(socket, into: $0) }) else { return nil }
        return (got.source, got.sourcePort, Array(buffer[..<got.length]))
    }

    @Test func deliversADatagramToItsSocket() throws {
        var stack = Net.stack()
        let socket = try stack.udpBind(port: 53)
        stack.receive(frame: Net.ipFrame(proto: 17, Net.udp(srcPort: 40000, dstPort: 53, [1, 2, 3]))[...], now: .zero)
        #expect(stack.nextEvent() == .udpReadable(socket))
        let got = try #require(Self.read(&stack, socket))
        #expect(got.0 == Net.ipA && got.1 == 40000 && got.2 == [1, 2, 3])
        #expect(Self.read(&stack, socket) == nil)
        #expect(stack.counters.udpDatagramsIn == 1)
    }

    @Test func verifiesChecksumsUnlessZero() throws {
        var stack = Net.stack()
        let socket = try stack.udpBind(port: 53)
        var bad = Net.udp(srcPort: 1, dstPort: 53, [1, 2, 3])
        bad[7] ^= 1
        stack.receive(frame: Net.ipFrame(proto: 17, bad)[...], now: .zero)
        #expect(stack.counters.droppedBadChecksum == 1)
        stack.receive(frame: Net.ipFrame(proto: 17, Frames.udp(src: 1, dst: 53, [4, 5]))[...], now: .zero)
        #expect(Self.read(&stack, socket)?.2 == [4, 5], "checksum 0 means none")
    }

    @Test func dropsLengthsThatLie() throws {
        var stack = Net.stack()
        _ = try stack.udpBind(port: 53)
        var long = Frames.udp(src: 1, dst: 53, [1, 2, 3])
        long[5] = 40
        var short = Frames.udp(src: 1, dst: 53, [1, 2, 3])
        short[5] = 7
        stack.receive(frame: Net.ipFrame(proto: 17, long)[...], now: .zero)
        stack.receive(frame: Net.ipFrame(proto: 17, short)[...], now: .zero)
        stack.receive(frame: Net.ipFrame(proto: 17, [0, 1, 0])[...], now: .zero)
        #expect(stack.counters.droppedTruncated == 2 && stack.counters.droppedBadHeader == 1)
        #expect(stack.counters.udpDatagramsIn == 0)
    }

    @Test func sendsADatagramWithAValidChecksum() throws {
        var stack = Net.stack()
        Net.learnPeer(&stack)
        let socket = try stack.udpBind(port: 5353)
        try ([0xCA, 0xFE] as [UInt8]).withUnsafeBytes { try stack.udpSend(socket, to: Net.ipA, port: 53, payload: $0, now: .zero) }
        let frame = try #require(Net.drain(&stack).first.flatMap(Net.parse))
        #expect(frame.ethernet.destination == Net.macA)
        #expect(Array(frame.payload) == Net.udp(src: Net.ipB, dst: Net.ipA, srcPort: 5353, dstPort: 53, [0xCA, 0xFE]))
    }

    @Test func broadcastsFromNoAddressForDHCP() throws {
        var stack = NetStack(configuration: NetStackConfiguration(mac: Net.macB), seed: 1)
        let socket = try stack.udpBind(port: 68)
        #expect(throws: NetError.noRoute) {
            try ([1] as [UInt8]).withUnsafeBytes { try stack.udpSend(socket, to: Net.ipA, port: 67, payload: $0, now: .zero) }
        }
        try ([1] as [UInt8]).withUnsafeBytes { try stack.udpSend(socket, to: .broadcast, port: 67, payload: $0, now: .zero) }
        let frame = try #require(Net.drain(&stack).first.flatMap(Net.parse))
        #expect(frame.ethernet.destination == .broadcast)
        #expect(frame.ip.source == .any && frame.ip.destination == .broadcast)
        #expect(Array(frame.payload) == Net.udp(src: .any, dst: .broadcast, srcPort: 68, dstPort: 67, [1]))
        // An offer unicast to our MAC and the offered address is taken before configuration.
        let offer = Net.ipFrame(proto: 17, dst: Net.ipB, Net.udp(dst: Net.ipB, srcPort: 67, dstPort: 68, [2]))
        stack.receive(frame: offer[...], now: .zero)
        #expect(Self.read(&stack, socket)?.2 == [2])
    }

    @Test func refusesBadBindsAndStaleHandles() throws {
        var limits = NetStackLimits()
        limits.udpSockets = 2
        var stack = Net.stack(limits: limits)
        let first = try stack.udpBind(port: 1)
        #expect(throws: NetError.portInUse) { try stack.udpBind(port: 1) }
        let ephemeral = try stack.udpBind(port: 0)
        #expect(stack.udpPort(ephemeral).map { $0 >= 49152 } == true)
        #expect(throws: NetError.socketLimit) { try stack.udpBind(port: 3) }
        stack.udpClose(first)
        #expect(throws: NetError.invalidSocket) {
            try ([1] as [UInt8]).withUnsafeBytes { try stack.udpSend(first, to: Net.ipA, port: 1, payload: $0, now: .zero) }
        }
        let reused = try stack.udpBind(port: 1)
        #expect(reused != first && stack.udpPort(first) == nil)
    }

    @Test func countsDatagramsForAFullSocket() throws {
        var limits = NetStackLimits()
        limits.udpReceiveDatagrams = 4
        var stack = Net.stack(limits: limits)
        let socket = try stack.udpBind(port: 53)
        for i in 0..<6 {
            stack.receive(frame: Net.ipFrame(proto: 17, Net.udp(srcPort: 1, dstPort: 53, [UInt8(i)]))[...], now: .zero)
        }
        #expect(stack.counters.udpSocketFull == 2)
        #expect(stack.nextEvent() == .udpReadable(socket) && stack.nextEvent() == nil, "one event until read")
        for i in 0..<4 { #expect(Self.read(&stack, socket)?.2 == [UInt8(i)]) }
    }

    /// The receive buffer keeps datagrams whole and in order through every wrap.
    @Test func receiveBufferMatchesAModel() throws {
        let seed = propertySeed
        var random = SplitMix64(seed: seed)
        var limits = NetStackLimits()
        limits.udpReceiveBytes = 3000
        limits.udpReceiveDatagrams = 8
        var stack = Net.stack(limits: limits)
        let socket = try stack.udpBind(port: 53)
        var model: [[UInt8]] = []
        for step in 0..<2000 {
            if random.int(0..<3) > 0 {
                let payload = random.bytes(random.int(0...1400))
                let fullBefore = stack.counters.udpSocketFull
                stack.receive(frame: Net.ipFrame(proto: 17, Net.udp(srcPort: 1, dstPort: 53, payload))[...], now: .zero)
                // Accepted unless it was counted as full.
                if stack.counters.udpSocketFull == fullBefore { model.append(payload) }
            } else {
                let got = Self.read(&stack, socket)?.2
                #expect(got == model.first, "seed \(seed) step \(step)")
                if !model.isEmpty { model.removeFirst() }
            }
        }
        while let got = Self.read(&stack, socket)?.2 {
            #expect(got == model.first, "seed \(seed)")
            model.removeFirst()
        }
        #expect(model.isEmpty, "seed \(seed)")
    }

    @Test func twoStacksResolveThenPingThenTalkUDP() throws {
        var wire = TwoStacks()
        wire.a.start(now: wire.now)
        wire.b.start(now: wire.now)
        wire.advance(to: Net.seconds(5))
        try wire.a.ping(to: Net.ipB, identifier: 1, sequence: 1, payloadLength: 32, now: wire.now)
        wire.run()
        #expect(wire.a.nextEvent() == .echoReply(from: Net.ipB, identifier: 1, sequence: 1, length: 32))
        #expect(wire.a.neighbor(Net.ipB) == Net.macB && wire.b.neighbor(Net.ipA) == Net.macA)

        let server = try wire.b.udpBind(port: 7)
        let client = try wire.a.udpBind(port: 0)
        try Array("hello".utf8).withUnsafeBytes { try wire.a.udpSend(client, to: Net.ipB, port: 7, payload: $0, now: wire.now) }
        wire.run()
        #expect(wire.b.nextEvent() == .udpReadable(server))
        let request = try #require(Self.read(&wire.b, server))
        #expect(request.0 == Net.ipA && request.1 == wire.a.udpPort(client) && request.2 == Array("hello".utf8))
        try request.2.withUnsafeBytes { try wire.b.udpSend(server, to: request.0, port: request.1, payload: $0, now: wire.now) }
        wire.run()
        #expect(Self.read(&wire.a, client)?.2 == Array("hello".utf8))
        let arpRequests = (wire.sentByA + wire.sentByB).filter { (try? EthernetHeader($0[...]).etherType) == .arp }
        #expect(arpRequests.count == 12, "three probes and two announcements each, one request and its reply")
    }
}
