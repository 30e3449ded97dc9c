import NetStack
import Scheduler
import Testing
import TestSupport
import Wire

@Suite struct ARPTests {
    @Test func answersARequestForOurAddressAndLearnsTheAsker() throws {
        var stack = Net.stack()
        let request = Frames.ethernet(
            dst: .broadcast, src: Net.macA, type: 0x0806,
            Frames.arp(operation: 1, senderMAC: Net.macA, senderIP: Net.ipA, targetIP: Net.ipB))
        stack.receive(frame: request[...], now: .zero)
        let frames = Net.drain(&stack)
        #expect(frames.count == 1)
        // RFC 826 reply: to the asker, our MAC and address as sender, padded to 60 bytes.
        let expected = Frames.ethernet(
            dst: Net.macA, src: Net.macB, type: 0x0806,
            Frames.arp(operation: 2, senderMAC: Net.macB, senderIP: Net.ipB, targetMAC: Net.macA, targetIP: Net.ipA))
            + [UInt8](repeating: 0, count: 18)
        #expect(frames.first == expected)
        #expect(stack.neighbor(Net.ipA) == Net.macA)
        #expect(stack.counters.arpRepliesSent == 1)
    }

    @Test func ignoresRequestsForOtherAddressesAndDoesNotLearnFromThem() {
        var stack = Net.stack()
        let request = Frames.ethernet(
            dst: .broadcast, src: Net.macA, type: 0x0806,
            Frames.arp(operation: 1, senderMAC: Net.macA, senderIP: Net.ipA, targetIP: IPv4Address(192, 0, 2, 77)))
        stack.receive(frame: request[...], now: .zero)
        #expect(Net.drain(&stack).isEmpty)
        #expect(stack.neighbor(Net.ipA) == nil)
    }

    @Test func withoutProbingAnnouncesTheAddressWhenConfiguredAndWhenStarted() {
        var probing = AddressProbing()
        probing.probes = 0
        probing.announcements = 1
        var stack = NetStack(configuration: NetStackConfiguration(mac: Net.macB, probing: probing), seed: 1)
        stack.start(now: .zero)
        #expect(Net.drain(&stack).isEmpty, "no address, no announcement")
        stack.configure(address: Net.ipB, prefixLength: 24, gateway: Net.gateway, now: .zero)
        let announce = Frames.ethernet(
            dst: .broadcast, src: Net.macB, type: 0x0806,
            Frames.arp(operation: 1, senderMAC: Net.macB, senderIP: Net.ipB, targetMAC: .zero, targetIP: Net.ipB))
            + [UInt8](repeating: 0, count: 18)
        #expect(Net.drain(&stack) == [announce])
        stack.configure(address: Net.ipB, prefixLength: 24, gateway: nil, now: .zero)
        #expect(Net.drain(&stack).isEmpty, "the same address again (a renewal) is not announced again")
        stack.start(now: .zero)
        #expect(Net.drain(&stack) == [announce])
    }

    @Test func parksFramesUntilTheReplyThenSendsThemInOrder() throws {
        var stack = Net.stack()
        let socket = try stack.udpBind(port: 5000)
        for i in 0..<3 {
            try [UInt8(i)].withUnsafeBytes { try stack.udpSend(socket, to: Net.ipA, port: 7, payload: $0, now: .zero) }
        }
        let requests = Net.drain(&stack)
        #expect(requests.count == 1, "one request for the three frames")
        let request = try ARPPacket(EthernetHeader(requests[0][...]).payload)
        #expect(request.operation == 1 && request.targetIP == Net.ipA && request.senderIP == Net.ipB)

        let reply = Frames.ethernet(
            dst: Net.macB, src: Net.macA, type: 0x0806,
            Frames.arp(operation: 2, senderMAC: Net.macA, senderIP: Net.ipA, targetMAC: Net.macB, targetIP: Net.ipB))
        stack.receive(frame: reply[...], now: Net.seconds(0.1))
        let sent = Net.drain(&stack, now: Net.seconds(0.1))
        #expect(sent.count == 3)
        for (i, frame) in sent.enumerated() {
            let parsed = try #require(Net.parse(frame))
            #expect(parsed.ethernet.destination == Net.macA)
            #expect(parsed.payload.last == UInt8(i))
        }
    }

    @Test func givesUpAfterThreeRequestsAndCountsTheDroppedFrames() throws {
        var stack = Net.stack()
        let socket = try stack.udpBind(port: 5000)
        for _ in 0..<2 {
            try ([1, 2, 3] as [UInt8]).withUnsafeBytes { try stack.udpSend(socket, to: Net.ipA, port: 7, payload: $0, now: .zero) }
        }
        var requests = Net.drain(&stack).count
        var now = Instant.zero
        while let deadline = stack.nextDeadline, deadline <= Net.seconds(10) {
            now = deadline
            stack.tick(now: now)
            requests += Net.drain(&stack, now: now).count
        }
        #expect(requests == 3)
        #expect(now == Net.seconds(3))
        #expect(stack.counters.arpTimeoutDrops == 2)
        #expect(stack.nextDeadline == nil)
    }

    @Test func boundsTheFramesPendingPerAddress() throws {
        var limits = NetStackLimits()
        limits.pendingFramesPerAddress = 4
        var stack = Net.stack(limits: limits)
        let socket = try stack.udpBind(port: 5000)
        for _ in 0..<10 {
            try ([1] as [UInt8]).withUnsafeBytes { try stack.udpSend(socket, to: Net.ipA, port: 7, payload: $0, now: .zero) }
        }
        #expect(stack.counters.arpPendingOverflow == 6)
        stack.receive(
            frame: Frames.ethernet(dst: .broadcast, src: Net.macA, type: 0x0806, Frames.arp(operation: 1, targetIP: Net.ipB))[...],
            now: .zero)
        let sent = Net.drain(&stack).compactMap { try? EthernetHeader($0[...]).etherType }
        #expect(sent == [.arp, .ipv4, .ipv4, .ipv4, .ipv4, .arp], "our request, the parked frames, our reply")
    }

    @Test func reRequestsAStaleEntryWhileStillUsingIt() throws {
        var stack = Net.stack()
        Net.learnPeer(&stack)
        let socket = try stack.udpBind(port: 5000)
        let later = Net.seconds(61)
        try ([1] as [UInt8]).withUnsafeBytes { try stack.udpSend(socket, to: Net.ipA, port: 7, payload: $0, now: later) }
        let frames = Net.drain(&stack, now: later)
        #expect(frames.count == 2)
        let kinds = frames.map { try? EthernetHeader($0[...]).etherType }
        #expect(kinds == [.arp, .ipv4])
        #expect(Net.parse(frames[1])?.ethernet.destination == Net.macA)
    }

    @Test func reportsAnotherMachineUsingOurAddress() {
        var stack = Net.stack()
        let intruder = MACAddress(0x02, 0, 0, 0, 0, 0x66)
        let claim = Frames.ethernet(
            dst: .broadcast, src: intruder, type: 0x0806,
            Frames.arp(operation: 1, senderMAC: intruder, senderIP: Net.ipB, targetIP: Net.ipB))
        stack.receive(frame: claim[...], now: .zero)
        #expect(stack.nextEvent() == .addressConflict(Net.ipB, intruder))
        #expect(stack.counters.addressConflicts == 1)
    }

    @Test func dropsMalformedARP() {
        var stack = Net.stack()
        let truncated = Frames.ethernet(dst: .broadcast, src: Net.macA, type: 0x0806, Array(Frames.arp(operation: 1, targetIP: Net.ipB).prefix(20)))
        let tokenRing = Frames.ethernet(dst: .broadcast, src: Net.macA, type: 0x0806, Frames.arp(operation: 1, targetIP: Net.ipB, hardwareType: 6))
        let badOperation = Frames.ethernet(dst: .broadcast, src: Net.macA, type: 0x0806, Frames.arp(operation: 9, targetIP: Net.ipB))
        for frame in [truncated, tokenRing, badOperation] { stack.receive(frame: frame[...], now: .zero) }
        #expect(Net.drain(&stack).isEmpty)
        #expect(stack.counters.droppedTruncated == 1)
        #expect(stack.counters.droppedBadHeader == 2)
    }
}
