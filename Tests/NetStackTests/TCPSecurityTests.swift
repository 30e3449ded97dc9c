@testable import NetStack
import Scheduler
import TestSupport
import Testing
import Wire

/// RFC 5961 defences, input validation, and the limits on what a peer can make us hold.
@Suite struct TCPSecurityTests {
    /// A segment to A from B's address and port on the connection `client`.
    static func toClient(_ sim: TCPSimulation, _ client: TCPHandle, sequenceOffset: Int = 0, ackOffset: Int = 0, flags: UInt16, payload: [UInt8] = []) -> [UInt8] {
        let tcb = sim.a.table.slots[Int(client.index)]
        return TCPCraft.segment(
            from: TCPSimulation.addressB, to: TCPSimulation.addressA, sourcePort: tcb.remotePort, destinationPort: tcb.localPort,
            sequence: (tcb.receiveNext + sequenceOffset).rawValue, ack: (tcb.sendUnacknowledged + ackOffset).rawValue,
            flags: flags, payload: payload)
    }

    @Test func resetInWindowButNotExactGetsAChallengeAck() {
        var sim = TCPSimulation()
        let (client, _) = sim.open()
        let before = sim.sent.count
        sim.inject(Self.toClient(sim, client, sequenceOffset: 1000, flags: TCPHeader.Flags.rst), to: .a)
        #expect(sim.a.state(client) == .established)
        #expect(sim.a.counters.challengeAcks == 1)
        let challenge = sim.sent[before...].first!
        #expect(challenge.flags == TCPHeader.Flags.ack)
        #expect(challenge.ack == sim.a.table.slots[Int(client.index)].receiveNext.rawValue)
    }

    @Test func resetOutsideTheWindowIsIgnored() {
        var sim = TCPSimulation()
        let (client, _) = sim.open()
        let before = sim.sent.count
        sim.inject(Self.toClient(sim, client, sequenceOffset: 1 << 30, flags: TCPHeader.Flags.rst), to: .a)
        sim.inject(Self.toClient(sim, client, sequenceOffset: -1, flags: TCPHeader.Flags.rst), to: .a)
        #expect(sim.a.state(client) == .established)
        #expect(sim.sent.count == before)
    }

    @Test func synOnAnEstablishedConnectionGetsAChallengeAck() {
        var sim = TCPSimulation()
        let (client, _) = sim.open()
        let before = sim.sent.count
        sim.inject(Self.toClient(sim, client, sequenceOffset: 5, flags: TCPHeader.Flags.syn), to: .a)
        #expect(sim.a.state(client) == .established)
        #expect(sim.a.counters.challengeAcks == 1)
        #expect(sim.sent[before...].first!.flags == TCPHeader.Flags.ack)
    }

    @Test func dataOutsideTheWindowIsDroppedWithAnAck() {
        var sim = TCPSimulation()
        let (client, _) = sim.open()
        let before = sim.sent.count
        for offset in [-100, 300 * 1024] {
            sim.inject(Self.toClient(sim, client, sequenceOffset: offset, flags: TCPHeader.Flags.ack, payload: [1, 2, 3]), to: .a)
        }
        #expect(sim.a.counters.outOfWindow == 2)
        #expect(sim.sent[before...].count == 2)
        #expect(sim.sent[before...].allSatisfy { $0.flags == TCPHeader.Flags.ack && $0.payloadCount == 0 })
        var buffer = [UInt8](repeating: 0, count: 16)
        #expect(buffer.withUnsafeMutableBytes { try! sim.a.read(client, into: $0) } == 0)
    }

    /// Found by the NetStack fuzzer: two stacks whose views of each other's sequence
    /// numbers went apart answered each other's out-of-window ACKs for ever, with no time
    /// passing (an ACK storm). A data-less unacceptable segment now gets at most one ACK
    /// per `outOfWindowAckInterval`; data is always answered.
    @Test func outOfWindowAcksAreRateLimited() {
        var sim = TCPSimulation()
        let (client, _) = sim.open()
        let before = sim.sent.count
        for _ in 0..<5 {
            sim.inject(Self.toClient(sim, client, sequenceOffset: 500_000, flags: TCPHeader.Flags.ack), to: .a)
        }
        #expect(sim.sent.count == before + 1)
        #expect(sim.a.counters.outOfWindowAcksSuppressed == 4)
        sim.inject(Self.toClient(sim, client, sequenceOffset: 500_000, flags: TCPHeader.Flags.ack, payload: [1]), to: .a)
        #expect(sim.sent.count == before + 2)
        sim.advance(by: .milliseconds(500))
        let later = sim.sent.count
        sim.inject(Self.toClient(sim, client, sequenceOffset: 500_000, flags: TCPHeader.Flags.ack), to: .a)
        #expect(sim.sent.count == later + 1)
        #expect(sim.a.state(client) == .established)
    }

    @Test func ackOfDataNeverSentIsAnsweredAndDropped() {
        var sim = TCPSimulation()
        let (client, _) = sim.open()
        let before = sim.sent.count
        sim.inject(Self.toClient(sim, client, ackOffset: 5000, flags: TCPHeader.Flags.ack, payload: [1]), to: .a)
        var buffer = [UInt8](repeating: 0, count: 16)
        #expect(buffer.withUnsafeMutableBytes { try! sim.a.read(client, into: $0) } == 0)
        #expect(sim.sent[before...].count == 1)
    }

    @Test func corruptAndTruncatedSegmentsAreCountedAndDropped() {
        var sim = TCPSimulation()
        let (client, _) = sim.open()
        var segment = Self.toClient(sim, client, flags: TCPHeader.Flags.ack, payload: [1, 2, 3])
        segment[21] ^= 0x40
        sim.inject(segment, to: .a)
        sim.inject(Array(segment[0..<12]), to: .a)
        var badOffset = Self.toClient(sim, client, flags: TCPHeader.Flags.ack)
        badOffset[12] = 0xF0  // 60-byte header in a 20-byte segment
        sim.inject(badOffset, to: .a)
        #expect(sim.a.counters.badChecksum == 1)
        #expect(sim.a.counters.malformed == 2)
        #expect(sim.a.state(client) == .established)
    }

    @Test func connectionLimitRefusesConnect() {
        var limits = TCPLimits()
        limits.maxConnections = 2
        var layer = TCPLayer(limits: limits, seed: 3)
        for _ in 0..<2 { _ = try! layer.connect(from: TCPSimulation.addressA, to: TCPSimulation.addressB, port: 80, now: .zero) }
        #expect(throws: TCPError.connectionLimit) {
            _ = try layer.connect(from: TCPSimulation.addressA, to: TCPSimulation.addressB, port: 80, now: .zero)
        }
    }

    @Test func portsRunOutOnlyWhenEveryEphemeralPortToThatPeerIsTaken() {
        var limits = TCPLimits()
        limits.maxConnections = 16384 + 16
        limits.sendBuffer = 1024
        limits.receiveBuffer = 1024
        limits.synBacklog = 1024
        var sim = TCPSimulation(limits: limits)
        sim.recording = false
        let listener = try! sim.b.listen(port: 80)
        var closedOnA = 0
        // Open and actively close every ephemeral port's connection: each sits in TIME_WAIT.
        for _ in 0..<32 {
            var clients: [TCPHandle] = []
            for _ in 0..<512 {
                clients.append(try! sim.a.connect(from: TCPSimulation.addressA, to: TCPSimulation.addressB, port: 80, now: sim.now))
            }
            sim.run(for: .seconds(5)) { sim in
                while let server = sim.b.accept(listener) { sim.b.close(server) }
                return sim.eventsA.filter { if case .connected = $0 { return true } else { return false } }.count == 512
            }
            sim.eventsA.removeAll()
            for client in clients { sim.a.close(client) }
            sim.run(for: .seconds(5)) { sim in
                while let server = sim.b.accept(listener) { sim.b.close(server) }
                closedOnA += sim.eventsA.filter { if case .closed(_, .normal) = $0 { return true } else { return false } }.count
                sim.eventsA.removeAll()
                return closedOnA % 512 == 0 && sim.wireIsEmpty
            }
        }
        #expect(closedOnA == 16384)
        #expect(throws: TCPError.noFreePort) {
            _ = try sim.a.connect(from: TCPSimulation.addressA, to: TCPSimulation.addressB, port: 80, now: sim.now)
        }
        // Another remote port (or address) reuses the same local ports.
        let other = try? sim.a.connect(from: TCPSimulation.addressA, to: TCPSimulation.addressB, port: 81, now: sim.now)
        #expect(other != nil)
        // TIME_WAIT ends and the ports come back.
        sim.advance(by: .seconds(61))
        let again = try? sim.a.connect(from: TCPSimulation.addressA, to: TCPSimulation.addressB, port: 80, now: sim.now)
        #expect(again != nil)
    }
}

extension TCPSecurityTests {
    @Test func challengeAcksAreLimitedPerSecond() {
        var limits = TCPLimits()
        limits.challengeAcksPerSecond = 10
        var sim = TCPSimulation(limits: limits)
        let (client, _) = sim.open()
        let before = sim.segments(from: .a).count
        for _ in 0..<50 {
            sim.inject(Self.toClient(sim, client, sequenceOffset: 100, flags: TCPHeader.Flags.rst), to: .a)
        }
        #expect(sim.segments(from: .a).count - before == 10)
        #expect(sim.a.counters.challengeAcks == 10)
        #expect(sim.a.counters.challengeAcksSuppressed == 40)
        // The next second has a new budget.
        sim.advance(by: .seconds(1))
        sim.inject(Self.toClient(sim, client, sequenceOffset: 100, flags: TCPHeader.Flags.syn), to: .a)
        #expect(sim.a.counters.challengeAcks == 11)
        #expect(sim.a.state(client) == .established)
    }
}
