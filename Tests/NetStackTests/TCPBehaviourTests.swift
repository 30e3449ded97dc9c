@testable import NetStack
import Scheduler
import TestSupport
import Testing
import Wire

/// Send-side policies and robustness: Nagle, flow control events, wraparound, garbage.
@Suite struct TCPBehaviourTests {
    @Test func nagleHoldsSmallSegmentsWhileDataIsUnacknowledged() {
        var sim = TCPSimulation()
        let (client, _) = sim.open()
        let before = sim.segments(from: .a).count
        _ = sim.write(.a, client, [1])
        sim.flush()
        _ = sim.write(.a, client, [2])
        _ = sim.write(.a, client, [3])
        sim.flush()
        // One small segment in flight: the rest waits for its ACK.
        #expect(sim.segments(from: .a).count - before == 1)
        sim.run(for: .seconds(1)) { $0.segments(from: .a).last!.payloadCount == 2 }
        #expect(sim.segments(from: .a).last!.payloadCount == 2)
    }

    @Test func noDelaySendsSmallSegmentsAtOnce() {
        var sim = TCPSimulation()
        let (client, _) = sim.open()
        sim.a.setNoDelay(client, true)
        let before = sim.segments(from: .a).count
        for byte in [UInt8(1), 2, 3] {
            _ = sim.write(.a, client, [byte])
            sim.flush()
        }
        #expect(sim.segments(from: .a).count - before == 3)
    }

    @Test func shortWriteIsFollowedByWritable() {
        var limits = TCPLimits()
        limits.sendBuffer = 4096
        var sim = TCPSimulation(limits: limits)
        let (client, server) = sim.open()
        let data = [UInt8](repeating: 0x5A, count: 10_000)
        let taken = sim.write(.a, client, data[...])
        #expect(taken == 4096)
        var received = 0
        sim.run(for: .seconds(5)) { sim in
            received += sim.readAll(.b, server).count
            return sim.eventsA.contains(.writable(client))
        }
        #expect(sim.eventsA.filter { $0 == .writable(client) }.count == 1)
        #expect(sim.write(.a, client, data[taken...]) > 0)
    }

    @Test func transferCrossesTheSequenceNumberWrap() {
        var sim = TCPSimulation()
        let listener = try! sim.b.listen(port: 80)
        let client = try! sim.a.connect(from: TCPSimulation.addressA, to: TCPSimulation.addressB, port: 80, now: sim.now)
        // Before the SYN leaves, move A's ISS just below 2^32.
        let slot = Int(client.index)
        let iss = TCPSequenceNumber(0xFFFF_0000)
        sim.a.table.slots[slot].iss = iss
        sim.a.table.slots[slot].sendUnacknowledged = iss
        sim.a.table.slots[slot].sendNext = iss
        sim.a.table.slots[slot].sendMax = iss
        sim.a.table.slots[slot].send.prepare(capacity: sim.a.limits.sendBuffer, start: iss + 1)
        var server: TCPHandle?
        sim.run { sim in
            if server == nil { server = sim.b.accept(listener) }
            return server != nil
        }
        var rng = SplitMix64(seed: 12)
        let data = rng.bytes(200_000)
        var sent = 0
        var received: [UInt8] = []
        sim.conditions = .init(loss: 0.03, delay: .milliseconds(2), jitter: .milliseconds(2))
        sim.run(for: .seconds(120)) { sim in
            if sent < data.count { sent += sim.write(.a, client, data[sent...]) }
            received += sim.readAll(.b, server!)
            return received.count == data.count
        }
        let intact = received == data
        #expect(intact)
        #expect(sim.a.table.slots[slot].sendUnacknowledged.rawValue < 0x0010_0000)
    }

    @Test(arguments: [propertySeed, 1, 2, 3])
    func randomSegmentsNeverTrapAndNeverBreakAConnection(seed: UInt64) {
        var sim = TCPSimulation(seed: seed)
        let (client, server) = sim.open()
        var rng = SplitMix64(seed: seed)
        let tcb = sim.a.table.slots[Int(client.index)]
        for _ in 0..<2000 {
            // Random flags, sequence and ack numbers, options and payload, on the
            // connection's 4-tuple or a random one; checksums valid so they get parsed.
            let onConnection = rng.bool()
            let optionLength = rng.int(0...10) * 4
            var segment = TCPCraft.segment(
                from: TCPSimulation.addressB, to: TCPSimulation.addressA,
                sourcePort: onConnection ? tcb.remotePort : rng.u16() | 1, destinationPort: onConnection ? tcb.localPort : rng.u16() | 1,
                sequence: rng.bool() ? tcb.receiveNext.rawValue &+ UInt32(rng.int(0...3000)) : rng.u32(),
                ack: rng.u32(), flags: rng.u16() & 0x3F & ~TCPHeader.Flags.rst, window: rng.u16(),
                payload: rng.bytes(upTo: 64), options: rng.bytes(optionLength))
            if rng.int(0..<10) == 0 { segment[rng.int(0..<segment.count)] = rng.u8() }
            sim.inject(segment, to: .a)
        }
        sim.conditions = .init()
        // Whatever was accepted, the connection still works or was ended cleanly.
        if sim.a.state(client) == .established {
            _ = sim.write(.a, client, [1, 2, 3])
            let delivered = sim.run(for: .seconds(60)) { sim in
                sim.readAll(.b, server).count > 0 || sim.b.state(server) == nil
            }
            #expect(delivered, "seed \(seed)")
        }
    }
}

extension TCPBehaviourTests {
    @Test func smallOutputBuffersGetWholeSegmentsOrNothing() {
        var sim = TCPSimulation()
        let (client, _) = sim.open()
        sim.a.setNoDelay(client, true)
        _ = sim.write(.a, client, [UInt8](repeating: 3, count: 500)[...])
        var tiny = [UInt8](repeating: 0, count: 59)
        #expect(tiny.withUnsafeMutableBytes { sim.a.nextSegment(now: sim.now, into: $0) } == nil)
        // 100 bytes: a 20-byte header and 80 bytes of data, checksum valid.
        var small = [UInt8](repeating: 0, count: 100)
        let out = small.withUnsafeMutableBytes { sim.a.nextSegment(now: sim.now, into: $0) }
        #expect(out?.length == 100)
        let pseudo = InternetChecksum.pseudoHeaderSum(source: TCPSimulation.addressA, destination: TCPSimulation.addressB, protocol: 6, length: 100)
        #expect(InternetChecksum.checksum(small[...], initial: pseudo) == 0)
    }
}
