import NetStack
import Scheduler
import Testing
import TestSupport
import Wire

/// RFC 5227 on configuration: probes from 0.0.0.0, the address taken within about a
/// second if no one answers, announcements after; a conflict while probing gives the
/// address up.
@Suite struct ARPProbeTests {
    static let intruder = MACAddress(0x02, 0x00, 0x00, 0x00, 0x00, 0x99)
    static let padding = [UInt8](repeating: 0, count: 18)

    static func probe(for address: IPv4Address) -> [UInt8] {
        Frames.ethernet(
            dst: .broadcast, src: Net.macB, type: 0x0806,
            Frames.arp(operation: 1, senderMAC: Net.macB, senderIP: .any, targetMAC: .zero, targetIP: address)) + padding
    }

    static func announcement(of address: IPv4Address) -> [UInt8] {
        Frames.ethernet(
            dst: .broadcast, src: Net.macB, type: 0x0806,
            Frames.arp(operation: 1, senderMAC: Net.macB, senderIP: address, targetMAC: .zero, targetIP: address)) + padding
    }

    /// An unconfigured stack (default probing) that was just told to use `ipB`.
    static func configuring() -> NetStack {
        var stack = NetStack(configuration: NetStackConfiguration(mac: Net.macB), seed: 3)
        stack.configure(address: Net.ipB, prefixLength: 24, gateway: Net.gateway, now: .zero)
        return stack
    }

    /// Runs the stack's timers up to `end`, returning what it sent and when.
    static func run(_ stack: inout NetStack, until end: Instant) -> [(at: Instant, frame: [UInt8])] {
        var sent = Net.drain(&stack).map { (at: Instant.zero, frame: $0) }
        while let next = stack.nextDeadline, next <= end {
            stack.tick(now: next)
            sent += Net.drain(&stack, now: next).map { (at: next, frame: $0) }
        }
        return sent
    }

    @Test func probesThenTakesTheAddressWithinASecondThenAnnounces() throws {
        var stack = Self.configuring()
        #expect(stack.isProbingAddress)
        let sent = Self.run(&stack, until: Net.seconds(10))
        #expect(sent.map(\.frame) == [Self.probe(for: Net.ipB), Self.probe(for: Net.ipB), Self.probe(for: Net.ipB),
                                     Self.announcement(of: Net.ipB), Self.announcement(of: Net.ipB)])
        let taken = sent[3].at
        #expect(taken <= Net.seconds(1), "probing held the address back for \(taken.nanoseconds / 1_000_000) ms")
        #expect(sent[4].at == taken + .seconds(2))
        #expect(!stack.isProbingAddress && stack.address == Net.ipB)
        #expect(stack.counters.arpProbesSent == 3)
    }

    @Test func whileProbingTheAddressIsNotAnsweredForAndOutputWaits() throws {
        var stack = Self.configuring()
        let request = Frames.ethernet(
            dst: .broadcast, src: Net.macA, type: 0x0806,
            Frames.arp(operation: 1, senderMAC: Net.macA, senderIP: Net.ipA, targetIP: Net.ipB))
        stack.receive(frame: request[...], now: .zero)
        try stack.ping(to: Net.ipA, identifier: 1, sequence: 1, payloadLength: 8, now: .zero)
        let whileProbing = Net.drain(&stack)
        #expect(whileProbing.allSatisfy { $0 == Self.probe(for: Net.ipB) }, "no reply, no request revealing the address")
        let after = Self.run(&stack, until: Net.seconds(1.5)).map(\.frame)
        // Taken: the request for ipA goes, from our address.
        let asking = Frames.ethernet(
            dst: .broadcast, src: Net.macB, type: 0x0806,
            Frames.arp(operation: 1, senderMAC: Net.macB, senderIP: Net.ipB, targetMAC: .zero, targetIP: Net.ipA)) + Self.padding
        #expect(after.contains(asking))
        stack.receive(frame: request[...], now: Net.seconds(1.5))
        #expect(Net.drain(&stack, now: Net.seconds(1.5)).count == 2, "the reply, and the parked ping now that ipA is known")
    }

    @Test(arguments: [true, false])
    func aReplyOrAnotherProbeForTheAddressGivesItUp(anotherProbe: Bool) throws {
        var stack = Self.configuring()
        _ = Self.run(&stack, until: Net.seconds(0.3))
        let answer = Frames.ethernet(
            dst: anotherProbe ? .broadcast : Net.macB, src: Self.intruder, type: 0x0806,
            Frames.arp(
                operation: anotherProbe ? 1 : 2, senderMAC: Self.intruder, senderIP: anotherProbe ? .any : Net.ipB,
                targetMAC: anotherProbe ? .zero : Net.macB, targetIP: anotherProbe ? Net.ipB : .any))
        stack.receive(frame: answer[...], now: Net.seconds(0.3))
        #expect(stack.nextEvent() == .addressInUse(Net.ipB, Self.intruder))
        #expect(stack.address == .any && !stack.isProbingAddress)
        #expect(stack.counters.addressConflicts == 1)
        #expect(Self.run(&stack, until: Net.seconds(10)).isEmpty, "no more probes, no announcement")
    }
}
