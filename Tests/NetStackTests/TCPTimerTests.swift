@testable import NetStack
import Scheduler
import TestSupport
import Testing
import Wire

/// Retransmission timing, fast retransmit, persist, delayed ACK and keepalive, on the
/// virtual clock.
@Suite struct TCPTimerTests {
    static func seconds(_ interval: Interval) -> Double { Double(interval.nanoseconds) / 1e9 }

    @Test func synIsRetransmittedWithDoublingTimeoutThenGivesUp() {
        var sim = TCPSimulation()
        sim.conditions.loss = 1
        let start = sim.now
        let client = try! sim.a.connect(from: TCPSimulation.addressA, to: TCPSimulation.addressB, port: 80, now: sim.now)
        sim.run(for: .seconds(300)) { $0.eventsA.contains(.closed(client, .timedOut)) }
        let syns = sim.segments(from: .a).filter { $0.has(TCPHeader.Flags.syn) }
        #expect(syns.count == 7)  // the first and 6 retransmissions
        #expect(Set(syns.map(\.sequence)).count == 1)
        let gaps = zip(syns.dropFirst(), syns).map { Self.seconds($0.at - $1.at) }
        #expect(gaps == [1, 2, 4, 8, 16, 32])
        // The last wait would be 64 s but the RTO stops at 60 s.
        #expect(Self.seconds(sim.now - start) == 63 + 60)
        #expect(sim.a.state(client) == nil)
    }

    @Test func dataRetransmissionBacksOffToTheMaximumThenTimesOut() {
        var sim = TCPSimulation()
        let (client, _) = sim.open()
        sim.conditions.loss = 1
        _ = sim.write(.a, client, [1, 2, 3])
        sim.run(for: .seconds(2000)) { $0.eventsA.contains(.closed(client, .timedOut)) }
        let sends = sim.segments(from: .a).filter { $0.payloadCount == 3 }
        #expect(sends.count == 13)  // the first and 12 retransmissions
        let gaps = zip(sends.dropFirst(), sends).map { Self.seconds($0.at - $1.at) }
        // RTT of 2 ms gives the 200 ms floor; then doubling up to 60 s.
        #expect(gaps == [0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 51.2, 60, 60, 60])
        #expect(sim.a.counters.timeouts == 13)
    }

    @Test func threeDuplicateAcksTriggerFastRetransmit() {
        var sim = TCPSimulation()
        let (client, server) = sim.open()
        sim.a.setNoDelay(client, true)
        var dropped = false
        sim.filter = { segment in
            if !dropped, segment.from == .a, segment.payloadCount > 0 {
                dropped = true
                return false
            }
            return true
        }
        var rng = SplitMix64(seed: 5)
        let data = rng.bytes(1460 * 6)
        let start = sim.now
        _ = sim.write(.a, client, data[...])
        var received: [UInt8] = []
        sim.run(for: .seconds(5)) { sim in
            received += sim.readAll(.b, server)
            return received.count == data.count
        }
        #expect(received == data)
        #expect(sim.a.counters.fastRetransmits == 1)
        #expect(sim.a.counters.timeouts == 0)
        let first = sim.segments(from: .a).first { $0.payloadCount > 0 }!
        let resend = sim.segments(from: .a).filter { $0.sequence == first.sequence && $0.payloadCount > 0 }.last!
        // Resent on the third duplicate ACK, long before the 200 ms timeout.
        let dupAcksBefore = sim.segments(from: .b).filter { $0.ack == first.sequence && $0.at <= resend.at }
        #expect(dupAcksBefore.count >= 4)  // the handshake's last ACK value, then three duplicates
        #expect(resend.at - start < .milliseconds(20))
    }

    @Test func zeroWindowIsProbedWithBackoffUntilItOpens() {
        var limits = TCPLimits()
        limits.receiveBuffer = 4096
        var sim = TCPSimulation(limits: limits)
        let (client, server) = sim.open()
        var rng = SplitMix64(seed: 11)
        let data = rng.bytes(10_000)
        var sent = sim.write(.a, client, data[...])
        // B does not read: its window closes, and A probes.
        sim.run(for: .seconds(30)) { _ in false }
        let probes = sim.segments(from: .a).filter {
            $0.payloadCount == 0 && !$0.has(TCPHeader.Flags.syn) && $0.sequence == UInt32(truncatingIfNeeded: Int(sim.a.table.slots[Int(client.index)].sendUnacknowledged.rawValue) - 1)
        }
        #expect(probes.count >= 4)
        let gaps = zip(probes.dropFirst(), probes).map { Self.seconds($0.at - $1.at) }
        #expect(gaps.prefix(4) == [0.4, 0.8, 1.6, 3.2])
        #expect(sim.segments(from: .b).last!.header.window == 0)
        // Reading opens the window; the rest follows.
        var received: [UInt8] = []
        sim.run(for: .seconds(60)) { sim in
            if sent < data.count { sent += sim.write(.a, client, data[sent...]) }
            received += sim.readAll(.b, server)
            return received.count == data.count
        }
        #expect(received == data)
    }

    @Test func loneSegmentIsAcknowledgedAfterTheDelayedAckTimeout() {
        var sim = TCPSimulation()
        let (client, _) = sim.open()
        _ = sim.write(.a, client, [1])
        sim.flush()
        let data = sim.segments(from: .a).last!
        sim.run(for: .seconds(1)) { $0.segments(from: .b).last!.ack == data.sequence &+ 1 }
        let ack = sim.segments(from: .b).last!
        // Arrived after 1 ms on the wire, acknowledged 40 ms later.
        #expect(ack.at - data.at == .milliseconds(41))
    }

    @Test func everySecondFullSegmentIsAcknowledgedAtOnce() {
        var sim = TCPSimulation()
        let (client, _) = sim.open()
        let size = sim.a.table.slots[Int(client.index)].segmentData
        let data = [UInt8](repeating: 7, count: size * 2)
        _ = sim.write(.a, client, data[...])
        sim.flush()
        let second = sim.segments(from: .a).last!
        sim.run(for: .seconds(1)) { $0.segments(from: .b).last!.ack == second.sequence &+ UInt32(size) }
        let ack = sim.segments(from: .b).last!
        #expect(ack.at - second.at == .milliseconds(1))
    }

    @Test func keepAliveProbesAnIdlePeerAndGivesUpWhenItIsGone() {
        var limits = TCPLimits()
        limits.keepAliveIdle = .seconds(10)
        limits.keepAliveInterval = .seconds(5)
        limits.keepAliveProbes = 3
        var sim = TCPSimulation(limits: limits)
        let (client, _) = sim.open()
        let start = sim.now
        // A live peer answers each probe, so the connection stays.
        sim.advance(by: .seconds(35))
        #expect(sim.a.state(client) == .established)
        let answered = sim.segments(from: .a).filter { $0.at > start }
        #expect(answered.count >= 3)
        // Idle counts from the last segment heard (the SYN-ACK, 1 ms before `start`).
        #expect(abs(Self.seconds(answered[0].at - start) - 10) < 0.002)
        // A vanished peer: three unanswered probes, then the connection times out.
        sim.conditions.loss = 1
        let silentFrom = sim.now
        sim.run(for: .seconds(60)) { $0.eventsA.contains(.closed(client, .timedOut)) }
        #expect(sim.eventsA.contains(.closed(client, .timedOut)))
        #expect(sim.now - silentFrom <= .seconds(10 + 15 + 1))
    }
}
