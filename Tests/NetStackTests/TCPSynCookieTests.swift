@testable import NetStack
import Scheduler
import Testing
import Wire

/// SYN cookies: a full backlog answers SYNs statelessly, and only an ACK returning a
/// cookie we made recently opens a connection.
struct TCPSynCookieTests {
    static let local = IPv4Address(10, 0, 0, 2)
    static let remote = IPv4Address(10, 0, 0, 1)
    static let start = Instant(nanoseconds: 1_000 * 1_000_000_000)

    static func make(_ cookie: TCPSynCookie, remotePort: UInt16 = 5000, mss: Int = 1460, at now: Instant = start) -> TCPSequenceNumber {
        cookie.make(
            local: local, localPort: 80, remote: remote, remotePort: remotePort, clientSequence: TCPSequenceNumber(777),
            mss: mss, now: now)
    }

    static func check(_ cookie: TCPSynCookie, _ value: TCPSequenceNumber, remotePort: UInt16 = 5000, at now: Instant) -> Int? {
        cookie.check(
            value, local: local, localPort: 80, remote: remote, remotePort: remotePort, clientSequence: TCPSequenceNumber(777),
            now: now)
    }

    @Test func aCookieNamesTheLargestTableMSSNotAboveThePeers() {
        let cookie = TCPSynCookie(seed: 9)
        #expect(Self.check(cookie, Self.make(cookie, mss: 1460), at: Self.start) == 1460)
        #expect(Self.check(cookie, Self.make(cookie, mss: 1459), at: Self.start) == 1440)
        #expect(Self.check(cookie, Self.make(cookie, mss: 100), at: Self.start) == 536)
        #expect(Self.check(cookie, Self.make(cookie, mss: 9000), at: Self.start) == 8960)
    }

    @Test func aCookieHoldsForThisPeriodAndTheNextOnly() {
        let cookie = TCPSynCookie(seed: 9)
        let value = Self.make(cookie)
        let period = Interval.seconds(64)
        #expect(Self.check(cookie, value, at: Self.start + period) == 1460)
        #expect(Self.check(cookie, value, at: Self.start + period + period) == nil)
        #expect(Self.check(cookie, value, at: Self.start + .seconds(64 * 32)) == nil, "the 5-bit counter wrapped")
    }

    @Test func aCookieIsBoundToItsTupleKeyAndMSS() {
        let cookie = TCPSynCookie(seed: 9)
        let value = Self.make(cookie)
        #expect(Self.check(cookie, value, remotePort: 5001, at: Self.start) == nil)
        #expect(Self.check(TCPSynCookie(seed: 10), value, at: Self.start) == nil)
        let otherMSS = TCPSequenceNumber(value.rawValue ^ 1 << 24)
        #expect(Self.check(cookie, otherMSS, at: Self.start) == nil)
    }

    @Test func aClientCompletesThroughACookieAndTransfersData() throws {
        var limits = TCPLimits()
        limits.synBacklog = 4
        var sim = TCPSimulation(limits: limits)
        sim.filter = { !TCPSynFloodTests.isSpoofed($0) }
        let listener = try sim.b.listen(port: 80)
        TCPSynFloodTests.flood(&sim, count: 10)
        #expect(sim.b.counters.cookiesSent == 6)
        #expect(sim.b.counters.synDropped == 0)

        let client = try sim.a.connect(from: TCPSimulation.addressA, to: TCPSimulation.addressB, port: 80, now: sim.now)
        var server: TCPHandle?
        let done = sim.run(for: .seconds(5)) { sim in
            if server == nil { server = sim.b.accept(listener) }
            return server != nil && sim.a.state(client) == .established
        }
        #expect(done, "the handshake through a cookie did not complete")
        #expect(sim.b.counters.cookiesSent == 7)
        #expect(sim.b.counters.cookiesValidated == 1)
        // The cookie's SYN-ACK offers MSS only: no window scale, no SACK.
        let synAck = try #require(sim.segments(from: .b).last { $0.has(TCPHeader.Flags.syn) })
        let options = TCPOptions(parsing: synAck.header.options)
        #expect(options.mss == 1460 && options.windowScale == nil && !options.sackPermitted)

        let data = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        var sent = 0
        var received: [UInt8] = []
        let transferred = sim.run(for: .seconds(60)) { sim in
            if sent < data.count { sent += sim.write(.a, client, data[sent...]) }
            received += sim.readAll(.b, server!)
            return received.count == data.count
        }
        #expect(transferred && received == data)
    }

    @Test func aForgedAckIsRejectedWithAReset() throws {
        var limits = TCPLimits()
        limits.synBacklog = 4
        var sim = TCPSimulation(limits: limits)
        sim.filter = { !TCPSynFloodTests.isSpoofed($0) }
        let listener = try sim.b.listen(port: 80)
        TCPSynFloodTests.flood(&sim, count: 8)
        // Port 40006's SYN got a cookie; an ACK guessing it is wrong.
        let forged = TCPCraft.segment(
            from: TCPSimulation.addressA, to: TCPSimulation.addressB, sourcePort: 40006, destinationPort: 80,
            sequence: 6 &* 7919 &+ 1, ack: 0x1234_5678, flags: TCPHeader.Flags.ack)
        sim.filter = nil
        sim.inject(forged, to: .b)
        #expect(sim.b.counters.cookiesRejected == 1)
        #expect(sim.b.counters.cookiesValidated == 0)
        #expect(sim.b.accept(listener) == nil)
        let reset = try #require(sim.segments(from: .b).last)
        #expect(reset.has(TCPHeader.Flags.rst) && reset.sequence == 0x1234_5678)
    }

    @Test func withoutARecentCookieAnAckIsNotCheckedAtAll() throws {
        var sim = TCPSimulation()
        _ = try sim.b.listen(port: 80)
        sim.inject(TCPCraft.segment(
            from: TCPSimulation.addressA, to: TCPSimulation.addressB, sourcePort: 40000, destinationPort: 80,
            sequence: 1, ack: 0x1234_5678, flags: TCPHeader.Flags.ack), to: .b)
        #expect(sim.b.counters.cookiesRejected == 0)
        #expect(sim.segments(from: .b).last?.has(TCPHeader.Flags.rst) == true)
    }
}
