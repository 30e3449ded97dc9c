import NetStack
import Scheduler
import Testing
import TestSupport
import Wire

/// The state machine against the fake server, on a virtual clock.
@Suite struct DHCPClientTests {
    let server = FakeDHCPServer()

    func at(_ seconds: UInt64) -> Instant { DHCPTestClock.at(seconds) }

    @Test func fullExchangeBinds() throws {
        var client = DHCPClient(mac: Frames.hostA, seed: 42)
        #expect(client.state == .stopped)
        #expect(client.nextDeadline == nil)
        client.start(now: at(10))
        let discover = try #require(client.drainMessages(now: at(10)).first)
        #expect(discover.messageType == 1)
        client.receive(payload: server.answer(discover)![...], now: at(11))
        #expect(client.state == .requesting)
        let request = try #require(client.drainMessages(now: at(11)).first)
        #expect(request.messageType == 3)
        client.receive(payload: server.answer(request)![...], now: at(12))
        #expect(client.state == .bound)

        let lease = DHCPLease(
            address: server.offered, prefixLength: 24, router: server.router, dnsServers: server.dns,
            serverIdentifier: server.serverID, leaseTime: .seconds(3600), renewalTime: .seconds(1800),
            rebindingTime: .seconds(3150), obtainedAt: at(11))
        #expect(client.drainEvents() == [.bound(lease)])
        #expect(client.lease == lease)
        #expect(lease.subnetMask == IPv4Address(255, 255, 255, 0))
        #expect(client.nextDeadline == at(11 + 1800))
        #expect(client.drainMessages(now: at(12)).isEmpty)
        #expect(client.counters.accepted == 2)
        #expect(client.counters.transmitted == 2)
    }

    @Test func leaseCountsFromTheFirstRequest() throws {
        var client = DHCPClient(mac: Frames.hostA, seed: 42)
        client.start(now: .zero)
        client.receive(payload: server.answer(client.drainMessages(now: .zero)[0])![...], now: .zero)
        let first = client.drainMessages(now: at(1))[0]
        let retry = try #require(client.nextDeadline)
        client.tick(now: retry)
        let second = try #require(client.drainMessages(now: retry).first)
        #expect(second.xid == first.xid)
        client.receive(payload: server.answer(second)![...], now: retry + .seconds(1))
        #expect(client.lease?.obtainedAt == at(1))
    }

    @Test func serverTimesAreHonouredAndInconsistentOnesReplaced() {
        var explicit = server
        explicit.renewalSeconds = 1000
        explicit.rebindingSeconds = 2000
        let lease = boundClient(explicit).lease
        #expect(lease?.renewalTime == .seconds(1000))
        #expect(lease?.rebindingTime == .seconds(2000))

        var inverted = server
        inverted.renewalSeconds = 3000
        inverted.rebindingSeconds = 2000
        let fixed = boundClient(inverted).lease
        #expect(fixed?.renewalTime == .seconds(1800))
        #expect(fixed?.rebindingTime == .seconds(3150))
    }

    @Test func infiniteLeaseNeverOverflows() {
        var forever = server
        forever.leaseSeconds = 0xFFFF_FFFF
        var client = boundClient(forever)
        #expect(client.state == .bound)
        #expect(client.lease?.isInfinite == true)
        #expect(client.nextDeadline == nil)
        client.tick(now: Instant(nanoseconds: .max))
        #expect(client.state == .bound)
        #expect(client.drainEvents().isEmpty)
        #expect(client.drainMessages(now: Instant(nanoseconds: .max)).isEmpty)
    }

    @Test func renewsAtT1ByUnicast() throws {
        var client = boundClient()
        #expect(client.nextDeadline == at(1800))
        client.tick(now: at(1799))
        #expect(client.state == .bound)
        #expect(client.drainMessages(now: at(1799)).isEmpty)
        client.tick(now: at(1800))
        #expect(client.state == .renewing)
        let request = try #require(client.drainMessages(now: at(1800)).first)
        #expect(request.outgoing.destination == server.serverID)
        #expect(request.ciaddr == server.offered)
        // Half the time to T2 (675 s), at least 60 s.
        #expect(client.nextDeadline == at(1800 + 675))
        client.receive(payload: server.answer(request)![...], now: at(1801))
        #expect(client.state == .bound)
        let events = client.drainEvents()
        #expect(events.count == 1)
        guard case .renewed(let lease) = events.first else {
            Issue.record("expected .renewed, got \(events)")
            return
        }
        #expect(lease.obtainedAt == at(1800))
        #expect(client.nextDeadline == at(1800 + 1800))
    }

    @Test func rebindsAtT2ByBroadcast() throws {
        var client = boundClient()
        var renewals: [DHCPWireMessage] = []
        var last = Instant.zero
        while client.state != .rebinding {
            let deadline = try #require(client.nextDeadline)
            client.tick(now: deadline)
            let sent = client.drainMessages(now: deadline)
            if client.state == .renewing {
                #expect(sent.count == 1)
                if !renewals.isEmpty { #expect(deadline - last >= .seconds(60)) }
                last = deadline
                renewals += sent
            } else {
                #expect(deadline == at(3150))
                #expect(sent.count == 1)
                let rebind = sent[0]
                #expect(rebind.outgoing.isBroadcast)
                #expect(rebind.outgoing.source == server.offered)
                #expect(rebind.ciaddr == server.offered)
                #expect(rebind.flags == 0)
                // Half the time to expiry (225 s).
                #expect(client.nextDeadline == at(3150 + 225))
                client.receive(payload: server.answer(rebind)![...], now: at(3151))
                #expect(client.state == .bound)
                #expect(client.drainEvents().count == 1)
                break
            }
        }
        #expect(renewals.count == 6)  // at 1800, 2475, 2812.5, 2981.25, 3065.625, 3125.625
        #expect(renewals.allSatisfy { $0.outgoing.destination == server.serverID })
        #expect(Set(renewals.map(\.xid)).count == 1)
    }

    @Test func expiryLosesTheLeaseAndRediscovers() throws {
        var client = boundClient()
        var now = Instant.zero
        var events: [DHCPEvent] = []
        while events.isEmpty {
            now = try #require(client.nextDeadline)
            client.tick(now: now)
            events = client.drainEvents()
            if events.isEmpty { _ = client.drainMessages(now: now) }
        }
        #expect(now == at(3600))
        #expect(events == [.lost])
        #expect(client.lease == nil)
        #expect(client.state == .selecting)
        let discover = try #require(client.drainMessages(now: now).first)
        #expect(discover.messageType == 1)
        #expect(discover.outgoing.source == .any)
        #expect(discover.ciaddr == .any)
    }

    @Test func nakWhileRequestingRestartsWithGrowingWait() throws {
        var client = DHCPClient(mac: Frames.hostA, seed: 3)
        client.start(now: .zero)
        var now = Instant.zero
        for wait: UInt64 in [1, 2, 4] {
            let discover = try #require(client.drainMessages(now: now).first)
            #expect(discover.messageType == 1)
            client.receive(payload: server.answer(discover)![...], now: now)
            let request = try #require(client.drainMessages(now: now).first)
            client.receive(payload: server.reply(to: request, type: 6)[...], now: now)
            #expect(client.drainEvents() == [.lost])
            #expect(client.state == .initial)
            #expect(client.drainMessages(now: now).isEmpty)
            #expect(client.nextDeadline == now + .seconds(wait))
            client.tick(now: Instant(nanoseconds: (now + .seconds(wait)).nanoseconds - 1))
            #expect(client.state == .initial)
            now = now + .seconds(wait)
            client.tick(now: now)
            #expect(client.state == .selecting)
        }
        // An ACK ends the streak: the next NAK waits 1 s again.
        let discover = client.drainMessages(now: now)[0]
        client.receive(payload: server.answer(discover)![...], now: now)
        client.receive(payload: server.answer(client.drainMessages(now: now)[0])![...], now: now)
        #expect(client.state == .bound)
        now = try #require(client.nextDeadline)
        client.tick(now: now)
        let renew = client.drainMessages(now: now)[0]
        _ = client.drainEvents()
        client.receive(payload: server.reply(to: renew, type: 6)[...], now: now)
        #expect(client.nextDeadline == now + .seconds(1))
    }

    @Test func nakWhileRenewingLosesTheLease() throws {
        var client = boundClient()
        client.tick(now: at(1800))
        let request = try #require(client.drainMessages(now: at(1800)).first)
        client.receive(payload: server.reply(to: request, type: 6)[...], now: at(1801))
        #expect(client.drainEvents() == [.lost])
        #expect(client.lease == nil)
        #expect(client.state == .initial)
    }

    @Test func nakFromAnotherServerWhileRequestingIsIgnored() throws {
        var client = DHCPClient(mac: Frames.hostA, seed: 3)
        client.start(now: .zero)
        client.receive(payload: server.answer(client.drainMessages(now: .zero)[0])![...], now: .zero)
        let request = try #require(client.drainMessages(now: .zero).first)
        var other = server
        other.serverID = IPv4Address(192, 0, 2, 2)
        client.receive(payload: other.reply(to: request, type: 6)[...], now: .zero)
        client.receive(payload: other.reply(to: request, type: 5)[...], now: .zero)
        #expect(client.state == .requesting)
        #expect(client.counters.foreign == 2)
        #expect(client.drainEvents().isEmpty)
    }

    @Test func newAddressOnRenewIsABinding() throws {
        var client = boundClient()
        client.tick(now: at(1800))
        let request = try #require(client.drainMessages(now: at(1800)).first)
        let moved = IPv4Address(192, 0, 2, 77)
        client.receive(payload: server.reply(to: request, type: 5, yiaddr: moved)[...], now: at(1801))
        let events = client.drainEvents()
        guard case .bound(let lease) = events.first, events.count == 1 else {
            Issue.record("expected .bound, got \(events)")
            return
        }
        #expect(lease.address == moved)
    }

    @Test func discoverBacksOffFrom4To64Seconds() throws {
        var client = DHCPClient(mac: Frames.hostA, seed: 99)
        client.start(now: .zero)
        let first = client.drainMessages(now: .zero)[0]
        var sentAt = Instant.zero
        var offsets: [UInt64] = []
        for base: UInt64 in [4, 8, 16, 32, 64, 64, 64] {
            let deadline = try #require(client.nextDeadline)
            let delay = deadline - sentAt
            #expect(delay >= .seconds(base - 1) && delay <= .seconds(base + 1), "base \(base): \(delay)")
            offsets.append(delay.nanoseconds)
            client.tick(now: Instant(nanoseconds: deadline.nanoseconds - 1_000_000))
            #expect(client.drainMessages(now: deadline).isEmpty)
            client.tick(now: deadline)
            let again = try #require(client.drainMessages(now: deadline).first)
            #expect(again.xid == first.xid)
            #expect(UInt64(again.secs) == (deadline - .zero).nanoseconds / 1_000_000_000)
            sentAt = deadline
        }
        #expect(Set(offsets.map { $0 % 1_000_000_000 }).count > 1)  // jittered, not fixed

        // The same seed and MAC give the same schedule; another seed does not.
        func schedule(seed: UInt64) -> [Instant?] {
            var c = DHCPClient(mac: Frames.hostA, seed: seed)
            c.start(now: .zero)
            var list: [Instant?] = []
            for _ in 0..<4 {
                _ = c.drainMessages(now: c.nextDeadline ?? .zero)
                list.append(c.nextDeadline)
                if let d = c.nextDeadline { c.tick(now: d) }
            }
            return list
        }
        #expect(schedule(seed: 99) == schedule(seed: 99))
        #expect(schedule(seed: 99) != schedule(seed: 100))
    }

    @Test func requestingGivesUpAfterFourTransmissions() throws {
        var client = DHCPClient(mac: Frames.hostA, seed: 5)
        client.start(now: .zero)
        let discover = client.drainMessages(now: .zero)[0]
        client.receive(payload: server.answer(discover)![...], now: .zero)
        var requests = client.drainMessages(now: .zero)
        var now = Instant.zero
        while client.state == .requesting {
            now = try #require(client.nextDeadline)
            client.tick(now: now)
            requests += client.drainMessages(now: now)
        }
        let last = requests.popLast()
        let rediscover = try #require(last)
        #expect(requests.count == 4)
        #expect(requests.allSatisfy { $0.messageType == 3 })
        #expect(client.state == .selecting)
        #expect(client.drainEvents().isEmpty)  // nothing was ever bound
        #expect(rediscover.messageType == 1)
        #expect(rediscover.xid != discover.xid)
        let fourBackoffs: UInt64 = 4 + 8 + 16 + 32 - 4  // each at least 1 s short
        #expect(now >= at(fourBackoffs))
    }

    @Test func offerWithoutServerIdAndAckWithoutLeaseTimeAreUnusable() throws {
        var client = DHCPClient(mac: Frames.hostA, seed: 5)
        client.start(now: .zero)
        let discover = client.drainMessages(now: .zero)[0]
        client.receive(payload: server.reply(to: discover, type: 2, options: [53, 1, 2])[...], now: .zero)
        #expect(client.state == .selecting)
        client.receive(payload: server.answer(discover)![...], now: .zero)
        let request = client.drainMessages(now: .zero)[0]
        let noLeaseTime: [UInt8] = [53, 1, 5, 54, 4] + Frames.be32(server.serverID.rawValue)
        client.receive(payload: server.reply(to: request, type: 5, options: noLeaseTime)[...], now: .zero)
        #expect(client.state == .requesting)
        #expect(client.counters.unexpected == 2)
    }

    /// Ten hours against a server that answers everything: renewed at every T1, never lost.
    @Test func staysBoundAcrossManyRenewals() throws {
        var client = DHCPClient(mac: Frames.hostA, seed: 8)
        var now = Instant.zero
        client.start(now: now)
        var events: [DHCPEvent] = []
        while now < at(36_000) {
            // A reply can call for a message (OFFER -> REQUEST): drain until quiet.
            var sent = client.drainMessages(now: now)
            while !sent.isEmpty {
                for message in sent {
                    if let reply = server.answer(message) { client.receive(payload: reply[...], now: now) }
                }
                sent = client.drainMessages(now: now)
            }
            events += client.drainEvents()
            now = try #require(client.nextDeadline)
            client.tick(now: now)
        }
        #expect(events.count == 20)  // bound once, then renewed every 1800 s
        #expect(events.first.map { if case .bound = $0 { true } else { false } } == true)
        #expect(!events.contains(.lost))
        #expect(client.counters.transmitted == 21)
    }

    @Test func startTwiceIsHarmless() {
        var client = DHCPClient(mac: Frames.hostA, seed: 5)
        client.start(now: .zero)
        client.start(now: .zero)
        #expect(client.drainMessages(now: .zero).count == 1)
    }
}

/// RFC 2131 section 3.1 step 5: an address found in use is declined, and discovery
/// starts again after a wait.
@Suite struct DHCPDeclineTests {
    @Test func anAddressInUseIsDeclinedAndDiscoveryRestartsAfterTenSeconds() throws {
        let server = FakeDHCPServer()
        var client = boundClient(server, now: DHCPTestClock.at(100))
        client.decline(IPv4Address(192, 0, 2, 200), now: DHCPTestClock.at(101))
        #expect(client.drainMessages(now: DHCPTestClock.at(101)).isEmpty, "not the leased address: ignored")
        client.decline(server.offered, now: DHCPTestClock.at(101))
        #expect(client.drainEvents() == [.lost])
        #expect(client.lease == nil && client.state == .initial)
        let decline = try #require(client.drainMessages(now: DHCPTestClock.at(101)).first)
        #expect(decline.messageType == 4)
        #expect(decline.option(50) == Frames.be32(server.offered.rawValue))
        #expect(decline.option(54) == Frames.be32(server.serverID.rawValue))
        #expect(decline.option(55) == nil)
        #expect(decline.ciaddr == .any && decline.flags == 0)
        #expect(decline.outgoing.source == .any && decline.outgoing.isBroadcast)
        #expect(client.counters.declined == 1)

        #expect(client.nextDeadline == DHCPTestClock.at(111))
        client.tick(now: DHCPTestClock.at(110))
        #expect(client.drainMessages(now: DHCPTestClock.at(110)).isEmpty)
        client.tick(now: DHCPTestClock.at(111))
        #expect(client.drainMessages(now: DHCPTestClock.at(111)).first?.messageType == 1)
    }
}
