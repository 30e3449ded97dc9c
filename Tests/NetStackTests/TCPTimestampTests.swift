@testable import NetStack
import Scheduler
import TestSupport
import Testing
import Wire

/// RFC 7323 timestamps: negotiation, the echo, PAWS and round-trip timing.
@Suite struct TCPTimestampTests {
    static func timestamp(_ segment: TCPSimulation.Sent) -> TCPTimestampOption? {
        TCPOptions(parsing: segment.header.options).timestamp
    }

    /// The timestamps option as a segment's first option bytes (NOP, NOP, TS).
    static func option(value: UInt32, echo: UInt32) -> [UInt8] {
        [1, 1, 8, 10] + Frames.be32(value) + Frames.be32(echo)
    }

    @Test func negotiatedWhenBothOfferThenOnEverySegment() {
        var sim = TCPSimulation()
        let (client, server) = sim.open()
        #expect(sim.a.table.slots[Int(client.index)].timestamps.enabled)
        #expect(sim.b.table.slots[Int(server.index)].timestamps.enabled)
        var rng = SplitMix64(seed: 3)
        let data = rng.bytes(20_000)
        _ = sim.write(.a, client, data[...])
        var received: [UInt8] = []
        sim.run(for: .seconds(5)) { sim in
            received += sim.readAll(.b, server)
            return received.count == data.count
        }
        #expect(sim.sent.allSatisfy { Self.timestamp($0) != nil })
        // Full segments carry the MSS less the 12 option bytes, so the frame still fits.
        let full = sim.segments(from: .a).filter { $0.payloadCount > 0 }.map(\.payloadCount).max()
        #expect(full == 1448)
        #expect(sim.segments(from: .a).allSatisfy { $0.bytes.count <= 1460 + 20 })
    }

    @Test(arguments: [(true, false), (false, true), (false, false)])
    func offWhenEitherSideDoesNotOffer(offerA: Bool, offerB: Bool) {
        var limitsA = TCPLimits()
        limitsA.timestamps = offerA
        var limitsB = TCPLimits()
        limitsB.timestamps = offerB
        var sim = TCPSimulation(limits: limitsA, limitsB: limitsB)
        let (client, server) = sim.open()
        #expect((Self.timestamp(sim.sent[0]) != nil) == offerA)
        #expect(Self.timestamp(sim.sent[1]) == nil)  // a SYN-ACK offers only what the SYN did
        #expect(!sim.a.table.slots[Int(client.index)].timestamps.enabled)
        #expect(!sim.b.table.slots[Int(server.index)].timestamps.enabled)
        _ = sim.write(.a, client, [UInt8](repeating: 9, count: 5000)[...])
        sim.run(for: .seconds(2)) { $0.readAll(.b, server).count > 0 && $0.wireIsEmpty }
        #expect(sim.sent[2...].allSatisfy { Self.timestamp($0) == nil })
        #expect(sim.segments(from: .a).map(\.payloadCount).max() == 1460)
    }

    @Test func ackEchoesTheTimestampOfTheSegmentItAcknowledges() {
        var sim = TCPSimulation()
        let (client, _) = sim.open()
        sim.advance(by: .milliseconds(250))
        _ = sim.write(.a, client, [1, 2, 3])
        sim.flush()
        let data = sim.segments(from: .a).last!
        sim.run(for: .seconds(1)) { $0.segments(from: .b).last!.ack == data.sequence &+ 3 }
        let ack = sim.segments(from: .b).last!
        #expect(Self.timestamp(ack)!.echo == Self.timestamp(data)!.value)
        // TSval is a millisecond clock: B's ACK is 41 ms (wire plus delayed ACK) after
        // A's segment, and B's clock ran on since its SYN-ACK.
        let synAck = sim.sent[1]
        #expect(Self.timestamp(ack)!.value &- Self.timestamp(synAck)!.value == UInt32((ack.at - synAck.at).nanoseconds / 1_000_000))
    }

    /// A segment to A on `client`'s connection, from B, at RCV.NXT, with a chosen TSval.
    static func segment(_ sim: TCPSimulation, _ client: TCPHandle, value: UInt32, flags: UInt16 = TCPHeader.Flags.ack, payload: [UInt8]) -> [UInt8] {
        let tcb = sim.a.table.slots[Int(client.index)]
        return TCPCraft.segment(
            from: TCPSimulation.addressB, to: TCPSimulation.addressA, sourcePort: tcb.remotePort, destinationPort: tcb.localPort,
            sequence: tcb.receiveNext.rawValue, ack: tcb.sendUnacknowledged.rawValue, flags: flags, payload: payload,
            options: option(value: value, echo: 0))
    }

    @Test func pawsDropsAnOldSegmentInTheWindowAndAnswersWithAnAck() {
        var sim = TCPSimulation()
        let (client, server) = sim.open()
        let recent = sim.a.table.slots[Int(client.index)].timestamps.recent
        // In the window by sequence number, but older by timestamp: an old duplicate
        // from before the sequence space wrapped.
        let before = sim.sent.count
        sim.inject(Self.segment(sim, client, value: recent &- 1000, payload: [6, 6, 6]), to: .a)
        #expect(sim.a.counters.pawsDrops == 1)
        #expect(sim.readAll(.a, client).isEmpty)
        let reply = sim.sent[before...].filter { $0.from == .a }
        #expect(reply.count == 1 && reply[reply.startIndex].flags == TCPHeader.Flags.ack && reply[reply.startIndex].payloadCount == 0)
        // The same bytes with a current TSval are taken, and the echo moves on.
        sim.inject(Self.segment(sim, client, value: recent &+ 5, payload: [7, 7, 7]), to: .a)
        #expect(sim.readAll(.a, client) == [7, 7, 7])
        #expect(sim.a.table.slots[Int(client.index)].timestamps.recent == recent &+ 5)
        // A RST is not subject to PAWS (RFC 7323 5.3 R1).
        _ = server
        sim.inject(Self.segment(sim, client, value: recent &- 1000, flags: TCPHeader.Flags.rst, payload: []), to: .a)
        #expect(sim.a.state(client) == nil)
        #expect(sim.a.counters.pawsDrops == 1)
    }

    /// Linux's exception: a pure duplicate ACK overtaken by a later segment is not an
    /// old duplicate worth dropping (it carries no data), so reordering keeps it.
    @Test func pawsLetsAReorderedPureDuplicateAckThrough() {
        var sim = TCPSimulation()
        let (client, server) = sim.open()
        // A segment from B first, so A holds a scaled window the ACKs can repeat.
        _ = sim.write(.b, server, [1])
        sim.run(for: .seconds(1)) { $0.readAll(.a, client) == [1] }
        let tcb = sim.a.table.slots[Int(client.index)]
        let recent = tcb.timestamps.recent
        let window = UInt16(tcb.sendWindow >> Int(tcb.sendScale))
        let pureAck = TCPCraft.segment(
            from: TCPSimulation.addressB, to: TCPSimulation.addressA, sourcePort: tcb.remotePort, destinationPort: tcb.localPort,
            sequence: tcb.receiveNext.rawValue, ack: tcb.sendUnacknowledged.rawValue, flags: TCPHeader.Flags.ack, window: window,
            options: Self.option(value: recent &- 5, echo: 0))
        sim.inject(pureAck, to: .a)
        #expect(sim.a.counters.pawsDrops == 0)
        // Older than an RTO, or carrying data, it is dropped after all.
        let stale = TCPCraft.segment(
            from: TCPSimulation.addressB, to: TCPSimulation.addressA, sourcePort: tcb.remotePort, destinationPort: tcb.localPort,
            sequence: tcb.receiveNext.rawValue, ack: tcb.sendUnacknowledged.rawValue, flags: TCPHeader.Flags.ack, window: window,
            options: Self.option(value: recent &- 5000, echo: 0))
        sim.inject(stale, to: .a)
        #expect(sim.a.counters.pawsDrops == 1)
        sim.inject(Self.segment(sim, client, value: recent &- 5, payload: [1]), to: .a)
        #expect(sim.a.counters.pawsDrops == 2)
    }

    @Test func pawsSkipsATimestampStaleAfterTwentyFourDaysIdle() {
        var sim = TCPSimulation()
        let (client, _) = sim.open()
        let recent = sim.a.table.slots[Int(client.index)].timestamps.recent
        sim.now = sim.now + .seconds(25 * 24 * 3600)
        sim.inject(Self.segment(sim, client, value: recent &- 1000, payload: [1]), to: .a)
        #expect(sim.a.counters.pawsDrops == 0)
        #expect(sim.readAll(.a, client) == [1])
        #expect(sim.a.table.slots[Int(client.index)].timestamps.recent == recent &- 1000)
    }

    @Test func tsRecentMovesOnlyForSegmentsCoveringTheLastAckSent() {
        var sim = TCPSimulation()
        let (client, _) = sim.open()
        let recent = sim.a.table.slots[Int(client.index)].timestamps.recent
        let tcb = sim.a.table.slots[Int(client.index)]
        // Out of order (beyond Last.ACK.sent): stored, but its TSval is not echoed.
        let ahead = TCPCraft.segment(
            from: TCPSimulation.addressB, to: TCPSimulation.addressA, sourcePort: tcb.remotePort, destinationPort: tcb.localPort,
            sequence: (tcb.receiveNext + 100).rawValue, ack: tcb.sendUnacknowledged.rawValue, flags: TCPHeader.Flags.ack,
            payload: [2], options: Self.option(value: recent &+ 50, echo: 0))
        sim.inject(ahead, to: .a)
        #expect(sim.a.table.slots[Int(client.index)].timestamps.recent == recent)
        #expect(Self.timestamp(sim.segments(from: .a).last!)!.echo == recent)
    }

    @Test func roundTripIsTimedFromTheEcho() {
        var sim = TCPSimulation()
        sim.conditions.delay = .milliseconds(30)
        let (client, server) = sim.open()
        // The handshake's sample: 60 ms there and back, from the SYN-ACK's TSecr.
        #expect(sim.a.table.slots[Int(client.index)].retransmitTimer.smoothed == .milliseconds(60))
        #expect(sim.b.table.slots[Int(server.index)].retransmitTimer.smoothed == .milliseconds(60))
    }

    /// A's first data segment is lost; the retransmission after the timeout delivers it.
    /// With timestamps its ACK times the retransmission, so the backed-off RTO is
    /// replaced by a fresh one; without, Karn keeps the backoff until new data is timed.
    @Test(arguments: [true, false])
    func retransmissionIsTimedOnlyWithTimestamps(timestamps: Bool) {
        var limits = TCPLimits()
        limits.timestamps = timestamps
        var sim = TCPSimulation(limits: limits)
        let (client, server) = sim.open()
        var dropped = false
        sim.filter = { segment in
            if !dropped, segment.from == .a, segment.payloadCount > 0 {
                dropped = true
                return false
            }
            return true
        }
        _ = sim.write(.a, client, [1, 2, 3])
        sim.run(for: .seconds(5)) { $0.readAll(.b, server).count == 3 && $0.a.table.slots[Int(client.index)].sendUnacknowledged == $0.a.table.slots[Int(client.index)].sendMax }
        #expect(sim.a.counters.timeouts == 1)
        let rto = sim.a.table.slots[Int(client.index)].retransmitTimer.rto
        #expect(rto == (timestamps ? .milliseconds(200) : .milliseconds(400)))
    }

    @Test func optionsParseTimestampsAndSackBlocks() {
        let bytes: [UInt8] = [1, 1, 8, 10, 0, 0, 0, 7, 0, 0, 0, 9, 1, 1, 5, 18] + Frames.be32(100) + Frames.be32(200) + Frames.be32(300) + Frames.be32(400)
        let options = TCPOptions(parsing: bytes[...])
        #expect(options.timestamp == TCPTimestampOption(value: 7, echo: 9))
        #expect(options.sack.count == 2)
        #expect(options.sack.left(1) == TCPSequenceNumber(300) && options.sack.right(1) == TCPSequenceNumber(400))
        // A SACK option whose length is no multiple of 8 past its header is ignored; a
        // timestamps option of the wrong length too.
        #expect(TCPOptions(parsing: ([5, 9] + [UInt8](repeating: 0, count: 7))[...]).sack.count == 0)
        #expect(TCPOptions(parsing: ([8, 9] + [UInt8](repeating: 0, count: 7))[...]).timestamp == nil)
    }
}
