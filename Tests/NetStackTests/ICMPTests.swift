import NetStack
import Scheduler
import Testing
import TestSupport
import Wire

@Suite struct ICMPTests {
    @Test func answersAnEchoRequestFieldByField() throws {
        var stack = Net.stack()
        Net.learnPeer(&stack)
        let payload: [UInt8] = Array("abcdefghijklmnopqrstuvwabcdefghi".utf8)
        stack.receive(frame: Net.ipFrame(proto: 1, Net.icmp(type: 8, rest: 0x1234_0042, payload))[...], now: .zero)
        let frames = Net.drain(&stack)
        #expect(frames.count == 1)
        let reply = try #require(Net.parse(frames[0]))
        #expect(reply.ethernet.destination == Net.macA && reply.ethernet.source == Net.macB)
        #expect(reply.ip.source == Net.ipB && reply.ip.destination == Net.ipA)
        #expect(reply.ip.proto == .icmp && reply.ip.ttl == 64 && reply.ip.checksumIsValid)
        // Type 0, code 0, the request's identifier, sequence and data; checksum valid.
        #expect(Array(reply.payload) == Net.icmp(type: 0, rest: 0x1234_0042, payload))
        #expect(stack.counters.echoRequestsIn == 1 && stack.counters.echoRepliesOut == 1)
    }

    @Test func echoesTheLargestUnfragmentedPayload() throws {
        var stack = Net.stack()
        Net.learnPeer(&stack)
        var random = SplitMix64(seed: propertySeed)
        let payload = random.bytes(1472)
        stack.receive(frame: Net.ipFrame(proto: 1, Net.icmp(type: 8, rest: 5, payload))[...], now: .zero)
        let reply = try #require(Net.drain(&stack).first.flatMap(Net.parse))
        #expect(reply.ip.totalLength == 1500 && !reply.ip.isFragment)
        #expect(Array(reply.payload.dropFirst(8)) == payload, "seed \(propertySeed)")
    }

    @Test func echoRepliesAreNotRateLimited() {
        var limits = NetStackLimits()
        limits.icmpErrorBurst = 5
        var stack = Net.stack(limits: limits)
        Net.learnPeer(&stack)
        var replies = 0
        for sequence in 0..<300 {
            stack.receive(frame: Net.ipFrame(proto: 1, Net.icmp(type: 8, rest: UInt32(sequence), [1, 2]))[...], now: .zero)
            replies += Net.drain(&stack).count
        }
        #expect(replies == 300)
    }

    @Test func doesNotAnswerBroadcastPings() {
        var stack = Net.stack()
        Net.learnPeer(&stack)
        stack.receive(frame: Net.ipFrame(proto: 1, dst: .broadcast, ethernetDestination: .broadcast, Net.icmp(type: 8, rest: 1))[...], now: .zero)
        #expect(Net.drain(&stack).isEmpty)
        #expect(stack.counters.echoRequestsIn == 1)
    }

    @Test func portUnreachableQuotesTheDatagram() throws {
        var stack = Net.stack()
        Net.learnPeer(&stack)
        let udp = Net.ipFrame(proto: 17, Net.udp(srcPort: 3333, dstPort: 4444, [9, 9, 9]))
        stack.receive(frame: udp[...], now: .zero)
        let reply = try #require(Net.drain(&stack).first.flatMap(Net.parse))
        let icmp = try ICMPHeader(reply.payload)
        #expect(icmp.type == 3 && icmp.code == 3)
        #expect(Array(icmp.payload) == Array(udp[14...]))
        #expect(Net.checksum(Array(reply.payload)) == 0)
        #expect(stack.counters.udpNoSocket == 1 && stack.counters.icmpErrorsSent == 1)
    }

    @Test func quotesAtMost576Bytes() throws {
        var stack = Net.stack()
        Net.learnPeer(&stack)
        stack.receive(frame: Net.ipFrame(proto: 17, Net.udp(srcPort: 1, dstPort: 2, [UInt8](repeating: 7, count: 1000)))[...], now: .zero)
        let reply = try #require(Net.drain(&stack).first.flatMap(Net.parse))
        #expect(reply.ip.totalLength == 576)
    }

    @Test func rateLimitsErrorsWithATokenBucket() {
        var limits = NetStackLimits()
        limits.icmpErrorsPerSecond = 10
        limits.icmpErrorBurst = 5
        var stack = Net.stack(limits: limits)
        Net.learnPeer(&stack)
        let closed = Net.ipFrame(proto: 17, Net.udp(srcPort: 1, dstPort: 2, []))
        var errors = 0
        for _ in 0..<20 {
            stack.receive(frame: closed[...], now: .zero)
            errors += Net.drain(&stack).count
        }
        #expect(errors == 5 && stack.counters.icmpRateLimited == 15)
        // 0.5 s refills five tokens.
        for _ in 0..<20 {
            stack.receive(frame: closed[...], now: Net.seconds(0.5))
            errors += Net.drain(&stack, now: Net.seconds(0.5)).count
        }
        #expect(errors == 10)
    }

    @Test func noErrorsAboutBroadcasts() {
        var stack = Net.stack()
        Net.learnPeer(&stack)
        let broadcast = Net.ipFrame(
            proto: 17, dst: IPv4Address(192, 0, 2, 255), ethernetDestination: .broadcast,
            Net.udp(dst: IPv4Address(192, 0, 2, 255), srcPort: 1, dstPort: 2, []))
        stack.receive(frame: broadcast[...], now: .zero)
        #expect(Net.drain(&stack).isEmpty)
        #expect(stack.counters.udpNoSocket == 1)
    }

    @Test func pingsAndSeesTheReply() throws {
        var wire = TwoStacks()
        try wire.a.ping(to: Net.ipB, identifier: 0xBEEF, sequence: 1, payloadLength: 56, now: wire.now)
        wire.run()
        #expect(wire.a.nextEvent() == .echoReply(from: Net.ipB, identifier: 0xBEEF, sequence: 1, length: 56))
        #expect(wire.a.nextEvent() == nil)
        let request = try #require(wire.sentByA.compactMap(Net.parse).first { $0.ip.proto == .icmp })
        #expect(Array(request.payload.dropFirst(8)) == (0..<56).map { UInt8($0) })
    }

    @Test func ignoresUnreachablesItCannotUse() {
        var stack = Net.stack()
        Net.learnPeer(&stack)
        let ourSegment = Frames.ipv4(proto: 6, src: Net.ipB, dst: Net.ipA, Frames.tcp(src: 40000, dst: 6633))
        let quotes: [[UInt8]] = [
            [],
            Array(ourSegment.prefix(10)),
            Array(ourSegment.prefix(22)),
            Frames.ipv4(proto: 6, src: Net.remote, dst: Net.ipA, Frames.tcp(src: 1, dst: 2)),
            Frames.ipv4(proto: 17, src: Net.ipB, dst: Net.ipA, Frames.udp(src: 1, dst: 2)),
            ourSegment,
        ]
        for quote in quotes {
            for code: UInt8 in [0, 1, 3, 4, 13] {
                stack.receive(frame: Net.ipFrame(proto: 1, Net.icmp(type: 3, code: code, rest: 0, quote))[...], now: .zero)
            }
        }
        #expect(Net.drain(&stack).isEmpty)
        #expect(stack.counters.droppedBadChecksum == 0 && stack.counters.droppedTruncated == 0)
    }
}
