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
        // Full segments: the MSS less the 12 bytes of timestamps every segment carries.
        let size = sim.a.table.slots[Int(client.index)].segmentData
        #expect(size == 1448)
        var rng = SplitMix64(seed: 99)
        let data = rng.bytes(size * 5)
        sim.a.setNoDelay(client, true)
        #expect(sim.write(.a, client, data[...]) == data.count)
        sim.flush()
        #expect(held.count == 5)
        sim.filter = nil
        for segment in held[1...] { sim.inject(segment.bytes, to: .b) }
        #expect(sim.readAll(.b, server).isEmpty)
        let queued = sim.b.table.slots[Int(server.index)].receive.outOfOrder
        #expect(queued == [TCPReceiveBuffer.Range(lower: size, upper: size * 5)])
        // Each out-of-order segment was answered at once with a duplicate ACK listing
        // what is held (RFC 2018): after the timestamps, NOP, NOP, SACK, one block.
        let dupAcks = sim.segments(from: .b).suffix(4)
        #expect(dupAcks.allSatisfy { $0.ack == held[0].sequence })
        let lastBlock = Array(dupAcks.last!.header.options.dropFirst(12))
        #expect(lastBlock == [1, 1, 5, 10] + Frames.be32(held[1].sequence) + Frames.be32(held[4].sequence &+ UInt32(size)))
        sim.inject(held[0].bytes, to: .b)
        let reassembled = sim.readAll(.b, server) == data
        #expect(reassembled)
        #expect(sim.segments(from: .b).last!.ack == held[4].sequence &+ UInt32(size))
        #expect(sim.segments(from: .b).last!.header.options.count == 12)  // timestamps only
    }

    /// A's data segments `indices` delivered to B by hand, after all were held back.
    static func holdAndDeliver(_ sim: inout TCPSimulation, _ client: TCPHandle, segments: Int, deliver indices: [Int]) -> [TCPSimulation.Sent] {
        var held: [TCPSimulation.Sent] = []
        sim.filter = { segment in
            if segment.from == .a, segment.payloadCount > 0 {
                held.append(segment)
                return false
            }
            return true
        }
        sim.a.setNoDelay(client, true)
        let size = sim.a.table.slots[Int(client.index)].segmentData
        _ = sim.write(.a, client, [UInt8](repeating: 1, count: size * segments)[...])
        sim.flush()
        sim.filter = nil
        for i in indices { sim.inject(held[i].bytes, to: .b) }
        return held
    }

    @Test(arguments: [true, false])
    func sackBlocksPutTheLatestRangeFirst(timestamps: Bool) {
        var limits = TCPLimits()
        limits.timestamps = timestamps
        var sim = TCPSimulation(limits: limits)
        let (client, _) = sim.open()
        let size = UInt32(sim.a.table.slots[Int(client.index)].segmentData)
        // Holes at segments 0, 2, 4 and 6: ranges [1], [3], [5], [7]; the latest arrival
        // is [3]. Four blocks fit in 40 option bytes, three beside the timestamps.
        let held = Self.holdAndDeliver(&sim, client, segments: 8, deliver: [5, 7, 1, 3])
        let options = Array(sim.segments(from: .b).last!.header.options.dropFirst(timestamps ? 12 : 0))
        #expect(Array(options[0..<4]) == [1, 1, 5, timestamps ? 26 : 34])
        var expected: [UInt8] = []
        for (left, right) in [(3, 4), (1, 2), (5, 6), (7, 8)].prefix(timestamps ? 3 : 4) {
            expected += Frames.be32(held[left].sequence) + Frames.be32(held[right - 1].sequence &+ size)
        }
        #expect(Array(options[4...]) == expected)
    }

    @Test func noSackBlocksWithoutSackPermitted() {
        var limits = TCPLimits()
        limits.selectiveAck = false
        var sim = TCPSimulation(limits: limits, limitsB: TCPLimits())
        let (client, _) = sim.open()
        // MSS, NOP, NOP, timestamps, NOP, window scale: no SACK-permitted.
        let synOptions = Array(sim.sent[0].header.options)
        #expect(Array(synOptions[0..<8]) == [2, 4, 0x05, 0xB4, 1, 1, 8, 10])
        #expect(Array(synOptions[16...]) == [1, 3, 3, 3])
        _ = Self.holdAndDeliver(&sim, client, segments: 2, deliver: [1])
        let options = TCPOptions(parsing: sim.segments(from: .b).last!.header.options)
        #expect(options.timestamp != nil && options.sack.count == 0)
    }
}
