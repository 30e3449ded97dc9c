@testable import NetStack
import Scheduler
import TestSupport
import Testing
import Wire

/// Bulk data both ways at once, checked byte for byte, on a clean and on a hostile wire.
@Suite struct TCPTransferTests {
    /// Pumps `size` bytes each way through an open connection; returns what each side read.
    static func transfer(_ sim: inout TCPSimulation, size: Int, limit: Interval) -> (toB: Int, toA: Int, done: Bool) {
        var rng = SplitMix64(seed: sim.seed ^ 0xDA7A)
        let outA = rng.bytes(size)
        let outB = rng.bytes(size)
        let (client, server) = sim.open()
        var sentA = 0
        var sentB = 0
        var inB: [UInt8] = []
        var inA: [UInt8] = []
        inA.reserveCapacity(size)
        inB.reserveCapacity(size)
        let done = sim.run(for: limit) { sim in
            if sentA < size { sentA += sim.write(.a, client, outA[sentA...]) }
            if sentB < size { sentB += sim.write(.b, server, outB[sentB...]) }
            inB += sim.readAll(.b, server)
            inA += sim.readAll(.a, client)
            return inA.count == size && inB.count == size
        }
        // Compared as a Bool: a failure printing 2 MB arrays helps nobody.
        let intactToB = inB == outA
        let intactToA = inA == outB
        #expect(intactToB, "seed \(sim.seed): \(inB.count) of \(size) bytes reached B")
        #expect(intactToA, "seed \(sim.seed): \(inA.count) of \(size) bytes reached A")
        return (inB.count, inA.count, done)
    }

    @Test func twoMegabytesEachWayOnACleanWire() {
        var sim = TCPSimulation()
        sim.recording = false
        let result = Self.transfer(&sim, size: 2 * 1024 * 1024, limit: .seconds(30))
        #expect(result.done, "seed \(sim.seed)")
        #expect(sim.a.counters.retransmissions == 0)
        #expect(sim.b.counters.retransmissions == 0)
    }

    @Test(arguments: [propertySeed, 7, 2024])
    func twoMegabytesEachWayOnALossyReorderingCorruptingWire(seed: UInt64) {
        var sim = TCPSimulation(seed: seed)
        sim.recording = false
        sim.conditions = .init(loss: 0.05, duplicate: 0.02, corrupt: 0.01, delay: .milliseconds(5), jitter: .milliseconds(3))
        let result = Self.transfer(&sim, size: 2 * 1024 * 1024, limit: .seconds(900))
        #expect(result.done, "seed \(seed): \(result.toB) and \(result.toA) bytes; \(sim.a.counters) \(sim.b.counters)")
        // Corruption was caught by the checksum, not delivered.
        #expect(sim.a.counters.badChecksum + sim.b.counters.badChecksum > 0, "seed \(seed)")
        #expect(sim.a.counters.fastRetransmits + sim.b.counters.fastRetransmits > 0, "seed \(seed)")
    }

    @Test func smallBuffersStillMoveEverything() {
        var limits = TCPLimits()
        limits.sendBuffer = 3000
        limits.receiveBuffer = 4000
        var sim = TCPSimulation(limits: limits)
        sim.recording = false
        sim.conditions = .init(loss: 0.02, delay: .milliseconds(2), jitter: .milliseconds(2))
        let result = Self.transfer(&sim, size: 200_000, limit: .seconds(600))
        #expect(result.done, "seed \(sim.seed)")
    }

    @Test func outOfOrderSegmentsAreKeptAndReassembled() {
        var sim = TCPSimulation()
        let (client, server) = sim.open()
        // Take A's data segments off the wire and deliver them by hand: 2 to 5, then 1.
        var held: [TCPSimulation.Sent] = []
        sim.filter = { segment in
            if segment.from == .a, segment.payloadCount > 0 {
                held.append(segment)
                return false
            }
            return true
        }
        var rng = SplitMix64(seed: 99)
        let data = rng.bytes(1460 * 5)
        sim.a.setNoDelay(client, true)
        #expect(sim.write(.a, client, data[...]) == data.count)
        sim.flush()
        #expect(held.count == 5)
        sim.filter = nil
        for segment in held[1...] { sim.inject(segment.bytes, to: .b) }
        #expect(sim.readAll(.b, server).isEmpty)
        let queued = sim.b.table.slots[Int(server.index)].receive.outOfOrder
        #expect(queued == [TCPReceiveBuffer.Range(lower: 1460, upper: 1460 * 5)])
        // Each out-of-order segment was answered at once with a duplicate ACK.
        let dupAcks = sim.segments(from: .b).suffix(4)
        #expect(dupAcks.allSatisfy { $0.ack == held[0].sequence })
        sim.inject(held[0].bytes, to: .b)
        let reassembled = sim.readAll(.b, server) == data
        #expect(reassembled)
        #expect(sim.segments(from: .b).last!.ack == held[4].sequence &+ 1460)
    }
}
