import NetStack
import Scheduler
import Testing
import TestSupport
import Wire

/// Replies that are malformed, not ours, or odd but legal: counted and dropped, or
/// parsed, never a trap.
@Suite struct DHCPRobustnessTests {
    let server = FakeDHCPServer()

    /// A client in SELECTING and the DISCOVER it sent.
    func selecting(seed: UInt64 = 11) -> (DHCPClient, DHCPWireMessage) {
        var client = DHCPClient(mac: Frames.hostA, seed: seed)
        client.start(now: .zero)
        return (client, client.drainMessages(now: .zero)[0])
    }

    func serverID() -> [UInt8] { [54, 4] + Frames.be32(server.serverID.rawValue) }

    @Test func foreignRepliesAreCountedAndIgnored() {
        var (client, discover) = selecting()
        let header = Array(server.reply(to: discover, type: 2).prefix(240))
        var otherMAC = header
        otherMAC[33] ^= 0x01
        var notEthernet = header
        notEthernet[1] = 6
        var echo = header
        echo[0] = 1  // our own BOOTREQUEST looped back
        let options = [53, 1, 2] + serverID() + [255]
        for bytes in [otherMAC, notEthernet, echo] {
            client.receive(payload: (bytes + options)[...], now: .zero)
        }
        client.receive(payload: server.reply(to: discover, type: 2, xid: discover.xid &+ 1)[...], now: .zero)
        #expect(client.counters.foreign == 4)
        #expect(client.state == .selecting)
    }

    @Test func malformedRepliesAreCountedAndIgnored() {
        var (client, discover) = selecting()
        let offer = server.reply(to: discover, type: 2)
        let header = Array(offer.prefix(240))
        var badCookie = offer
        badCookie[239] = 0x64
        let cases: [[UInt8]] = [
            [],
            Array(offer.prefix(239)),  // header cut short
            badCookie,
            header,  // no options at all: no message type
            header + [255],  // end, still no message type
            header + [0, 0, 0],  // only padding
            header + [53],  // option code without length
            header + [53, 1],  // length without value
            header + [53, 1, 2, 54, 4, 192, 0],  // value cut short
            header + [53, 2, 2, 0, 255],  // message type of the wrong size
        ]
        for bytes in cases { client.receive(payload: bytes[...], now: .zero) }
        #expect(client.counters.malformed == UInt64(cases.count))
        #expect(client.state == .selecting)
    }

    @Test func paddingAndAMissingEndAreAccepted() {
        var (client, discover) = selecting()
        let options: [UInt8] = [0, 0, 53, 1, 2, 0] + serverID() + [0]
        let offer = Array(server.reply(to: discover, type: 2).prefix(240)) + options
        client.receive(payload: offer[...], now: .zero)
        #expect(client.state == .requesting)
    }

    @Test func optionOverloadIsNotFollowed() {
        var (client, discover) = selecting()
        var offer = server.reply(to: discover, type: 2, options: [52, 1, 3, 53, 1, 2] + serverID())
        // Garbage in sname and file, which an overload would have us parse.
        for i in 44..<236 { offer[i] = 0x35 }
        client.receive(payload: offer[...], now: .zero)
        #expect(client.state == .requesting)
    }

    @Test func optionsAreReadDefensively() throws {
        var (client, discover) = selecting()
        client.receive(payload: server.answer(discover)![...], now: .zero)
        let request = client.drainMessages(now: .zero)[0]
        let dns: [UInt8] = [6, 16] + [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4]
        let options: [UInt8] = [53, 1, 5, 53, 1, 6] + serverID()  // the first type counts
            + [51, 4] + Frames.be32(600)
            + [1, 3, 255, 255, 255]  // a mask of the wrong size is as if absent
            + [3, 8, 10, 0, 0, 1, 10, 0, 0, 2]  // two routers: the first
            + dns + [6, 4, 9, 9, 9, 9]  // more than three servers, then a second list: ignored
            + [58, 0]  // empty T1: ignored
        client.receive(payload: server.reply(to: request, type: 5, options: options)[...], now: .zero)
        let lease = try #require(client.lease)
        #expect(lease.prefixLength == 24)  // classful: 192.0.2.50 is class C
        #expect(lease.router == IPv4Address(10, 0, 0, 1))
        #expect(lease.dnsServers == [IPv4Address(1, 1, 1, 1), IPv4Address(2, 2, 2, 2), IPv4Address(3, 3, 3, 3)])
        #expect(lease.renewalTime == .seconds(300))
        #expect(lease.leaseTime == .seconds(600))
    }

    @Test func prefixComesFromTheMaskOrTheClass() {
        var wide = server
        wide.mask = IPv4Address(255, 255, 240, 0)
        #expect(boundClient(wide).lease?.prefixLength == 20)
        var classA = server
        classA.offered = IPv4Address(10, 1, 2, 3)
        let options: [UInt8] = [53, 1, 5] + serverID() + [51, 4] + Frames.be32(600)
        var client = DHCPClient(mac: Frames.hostA, seed: 1)
        client.start(now: .zero)
        client.receive(payload: classA.answer(client.drainMessages(now: .zero)[0])![...], now: .zero)
        let request = client.drainMessages(now: .zero)[0]
        client.receive(payload: classA.reply(to: request, type: 5, options: options)[...], now: .zero)
        #expect(client.lease?.prefixLength == 8)
        #expect(client.lease?.router == nil)
        #expect(client.lease?.dnsServers == [])
    }

    @Test func repliesTheStateDoesNotWaitForAreUnexpected() {
        var (client, discover) = selecting()
        client.receive(payload: server.reply(to: discover, type: 5)[...], now: .zero)  // ACK while selecting
        client.receive(payload: server.reply(to: discover, type: 6)[...], now: .zero)  // NAK while selecting
        #expect(client.state == .selecting)
        client.receive(payload: server.answer(discover)![...], now: .zero)
        client.receive(payload: server.answer(discover)![...], now: .zero)  // a second OFFER
        #expect(client.state == .requesting)
        #expect(client.counters.unexpected == 3)
        #expect(client.counters.accepted == 1)
    }

    @Test func undrainedEventsAreBoundedAndCounted() {
        var client = DHCPClient(mac: Frames.hostA, seed: 1)
        client.start(now: .zero)
        var now = Instant.zero
        for _ in 0..<10 {
            let discover = client.drainMessages(now: now)[0]
            client.receive(payload: server.answer(discover)![...], now: now)
            client.receive(payload: server.reply(to: client.drainMessages(now: now)[0], type: 6)[...], now: now)
            now = client.nextDeadline ?? now
            client.tick(now: now)
        }
        #expect(client.counters.eventsDropped == 2)
        #expect(client.drainEvents().count == 8)
    }

    /// Mutated, truncated and extended replies in every state: no trap, and each one
    /// lands in exactly one counter.
    @Test func mutatedRepliesNeverTrap() {
        var random = SplitMix64(seed: propertySeed)
        for round in 0..<300 {
            var client = boundClient(mac: Frames.hostA)
            var (selectingClient, discover) = selecting(seed: UInt64(round))
            if round % 3 == 1 { client.tick(now: DHCPTestClock.at(1800)) }
            let request = client.drainMessages(now: DHCPTestClock.at(1800)).first
            var ack = request.map { server.answer($0)! } ?? server.reply(to: discover, type: 5)
            if round % 3 == 2 { ack = server.answer(discover)! }
            for _ in 0..<20 {
                var bytes = ack
                switch random.int(0..<4) {
                case 0: bytes = Array(bytes.prefix(random.int(0...bytes.count)))
                case 1:
                    for _ in 0..<random.int(1...8) { bytes[random.int(240..<bytes.count)] = random.u8() }
                case 2: bytes += random.bytes(upTo: 40)
                default: bytes[random.int(0..<bytes.count)] = random.u8()
                }
                for target in [0, 1] {
                    var c = target == 0 ? client : selectingClient
                    let before = c.counters
                    c.receive(payload: bytes[...], now: DHCPTestClock.at(1801))
                    let after = c.counters
                    let moved = (after.accepted - before.accepted) + (after.malformed - before.malformed)
                        + (after.foreign - before.foreign) + (after.unexpected - before.unexpected)
                    #expect(moved == 1, "round \(round), seed \(propertySeed)")
                    if target == 0 { client = c } else { selectingClient = c }
                }
            }
        }
    }
}
