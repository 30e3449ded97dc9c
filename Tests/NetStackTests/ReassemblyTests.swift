import NetStack
import Scheduler
import Testing
import TestSupport
import Wire

@Suite struct ReassemblyTests {
    /// A UDP datagram to port 9 and its fragments of `size` bytes (a multiple of 8).
    static func fragments(payload: [UInt8], size: Int = 1480) -> (datagram: [UInt8], frames: [[UInt8]]) {
        let datagram = Net.udp(srcPort: 1000, dstPort: 9, payload)
        var frames: [[UInt8]] = []
        var offset = 0
        while offset < datagram.count {
            let end = min(offset + size, datagram.count)
            let more: UInt16 = end < datagram.count ? 0x2000 : 0
            frames.append(Net.ipFrame(proto: 17, flagsAndOffset: more | UInt16(offset / 8), Array(datagram[offset..<end])))
            offset = end
        }
        return (datagram, frames)
    }

    static func payload(_ count: Int, seed: UInt64) -> [UInt8] {
        var random = SplitMix64(seed: seed)
        return random.bytes(count)
    }

    /// A stack with port 9 bound; returns the socket.
    static func receiver() throws -> (NetStack, UDPSocket) {
        var stack = Net.stack()
        let socket = try stack.udpBind(port: 9)
        return (stack, socket)
    }

    static func read(_ stack: inout NetStack, _ socket: UDPSocket) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: 70000)
        guard let got = buffer.withUnsafeMutableBytes({ stack.udpReceive(socket, into: $0) }) else { return nil }
        return Array(buffer[..<got.length])
    }

    @Test func reassemblesInOrder() throws {
        var (stack, socket) = try Self.receiver()
        let payload = Self.payload(4000, seed: 1)
        for frame in Self.fragments(payload: payload).frames { stack.receive(frame: frame[...], now: .zero) }
        #expect(Self.read(&stack, socket) == payload)
        #expect(stack.counters.fragmentsIn == 3 && stack.counters.datagramsReassembled == 1)
    }

    @Test func reassemblesInAnyOrderWithDuplicates() throws {
        let seed = propertySeed
        var random = SplitMix64(seed: seed)
        for round in 0..<20 {
            var (stack, socket) = try Self.receiver()
            let payload = Self.payload(random.int(1500...20000), seed: UInt64(round))
            var frames = Self.fragments(payload: payload, size: 8 * random.int(20...185)).frames
            frames += (0..<random.int(0...3)).map { _ in frames[random.int(0..<frames.count)] }
            frames.shuffle(using: &random)
            for frame in frames { stack.receive(frame: frame[...], now: .zero) }
            #expect(Self.read(&stack, socket) == payload, "seed \(seed) round \(round)")
            #expect(Self.read(&stack, socket) == nil, "delivered once; seed \(seed) round \(round)")
        }
    }

    @Test func dropsTheDatagramWhenFragmentsOverlap() throws {
        var (stack, socket) = try Self.receiver()
        let (datagram, frames) = Self.fragments(payload: Self.payload(3000, seed: 2))
        stack.receive(frame: frames[0][...], now: .zero)
        // Bytes 1472..<2952: overlaps the first fragment's last 8 bytes.
        let overlapping = Net.ipFrame(proto: 17, flagsAndOffset: 0x2000 | UInt16(1472 / 8), Array(datagram[1472..<2952]))
        stack.receive(frame: overlapping[...], now: .zero)
        for frame in frames.dropFirst() { stack.receive(frame: frame[...], now: .zero) }
        #expect(Self.read(&stack, socket) == nil)
        #expect(stack.counters.reassemblyOverlaps == 1)
    }

    @Test func rejectsInconsistentEnds() throws {
        var (stack, socket) = try Self.receiver()
        let (datagram, frames) = Self.fragments(payload: Self.payload(3000, seed: 3))
        // A non-final fragment whose length is not a multiple of 8.
        stack.receive(frame: Net.ipFrame(proto: 17, flagsAndOffset: 0x2000, Array(datagram[0..<100]))[...], now: .zero)
        #expect(stack.counters.reassemblyDrops == 1)
        // The last fragment, then data past its end.
        stack.receive(frame: frames[2][...], now: .zero)
        stack.receive(frame: Net.ipFrame(proto: 17, flagsAndOffset: 0x2000 | UInt16(4000 / 8), [UInt8](repeating: 0, count: 16))[...], now: .zero)
        #expect(stack.counters.reassemblyOverlaps == 1)
        // Past 65535 bytes.
        stack.receive(frame: Net.ipFrame(proto: 17, flagsAndOffset: 0x1FFF, [UInt8](repeating: 0, count: 16))[...], now: .zero)
        #expect(stack.counters.reassemblyDrops == 2)
        #expect(Self.read(&stack, socket) == nil)
    }

    @Test func timesOutAnIncompleteDatagram() throws {
        var (stack, socket) = try Self.receiver()
        Net.learnPeer(&stack)  // so the time exceeded error leaves no ARP timer behind
        let frames = Self.fragments(payload: Self.payload(3000, seed: 4)).frames
        stack.receive(frame: frames[0][...], now: Net.seconds(1))
        #expect(stack.nextDeadline == Net.seconds(31))
        stack.tick(now: Net.seconds(30))
        #expect(stack.counters.reassemblyTimeouts == 0)
        stack.tick(now: Net.seconds(31))
        #expect(stack.counters.reassemblyTimeouts == 1)
        #expect(stack.nextDeadline == nil)
        for frame in frames.dropFirst() { stack.receive(frame: frame[...], now: Net.seconds(32)) }
        #expect(Self.read(&stack, socket) == nil, "the rest cannot complete the expired datagram")
    }

    @Test func boundsConcurrentDatagrams() throws {
        var limits = NetStackLimits()
        limits.reassemblySlots = 2
        var stack = Net.stack(limits: limits)
        for id in 0..<3 {
            var frame = Self.fragments(payload: Self.payload(3000, seed: 5)).frames[0]
            // A different identification each (the IP checksum changes with it).
            frame[19] = UInt8(id)
            frame[24] = 0
            frame[25] = 0
            let sum = Net.checksum(Array(frame[14..<34]))
            frame[24] = UInt8(sum >> 8)
            frame[25] = UInt8(sum & 0xFF)
            stack.receive(frame: frame[...], now: .zero)
        }
        #expect(stack.counters.reassemblyDrops == 1)
    }

    @Test func fragmentsOnSendAndRoundTrips() throws {
        var wire = TwoStacks()
        let socketA = try wire.a.udpBind(port: 4000)
        let socketB = try wire.b.udpBind(port: 9)
        let payload = Self.payload(4000, seed: 6)
        try payload.withUnsafeBytes { try wire.a.udpSend(socketA, to: Net.ipB, port: 9, payload: $0, now: wire.now) }
        wire.run()
        #expect(wire.a.counters.fragmentsOut == 3)
        let fragments = wire.sentByA.compactMap(Net.parse).filter { $0.ip.isFragment }
        #expect(fragments.count == 3)
        #expect(fragments.allSatisfy { Int($0.ip.totalLength) <= 1500 })
        #expect(Self.read(&wire.b, socketB) == payload)
        #expect(wire.b.nextEvent() == .udpReadable(socketB))
    }

    @Test func answersAFragmentedEchoRequest() throws {
        var wire = TwoStacks()
        try wire.a.ping(to: Net.ipB, identifier: 3, sequence: 4, payloadLength: 1473, now: .zero)
        wire.run()
        #expect(wire.a.nextEvent() == .echoReply(from: Net.ipB, identifier: 3, sequence: 4, length: 1473))
        // 1473 + 8 bytes of ICMP exceed a 1500-byte MTU by one: both directions fragment.
        #expect(wire.a.counters.fragmentsOut == 2 && wire.b.counters.fragmentsOut == 2)
        #expect(wire.b.counters.datagramsReassembled == 1 && wire.a.counters.datagramsReassembled == 1)
    }
}
