@testable import NetStack
import Scheduler
import TestSupport
import Testing
import Wire

/// RFC 6675 SACK-based loss recovery against NewReno, and the scoreboard's bounds.
@Suite struct TCPSackRecoveryTests {
    struct Recovery {
        var duration: Interval
        var retransmissions: Int
        var timeouts: Int
        var sackRecoveries: Int
        var fastRetransmits: Int
        var intact: Bool
    }

    /// A sends `segments` full segments in one window over a 20 ms round trip; the first
    /// transmissions of the segments at `lost` are dropped. Returns how long until all
    /// was acknowledged, and what it took.
    static func recover(selectiveAck: Bool, segments: Int, lost: Set<Int>) -> Recovery {
        var limits = TCPLimits()
        limits.initialWindowSegments = 64
        var limitsA = limits
        limitsA.selectiveAck = selectiveAck
        var sim = TCPSimulation(limits: limitsA, limitsB: limits)
        sim.conditions.delay = .milliseconds(10)
        let (client, server) = sim.open()
        sim.a.setNoDelay(client, true)
        let size = sim.a.table.slots[Int(client.index)].segmentData
        var seen = Set<UInt32>()
        var index: [UInt32: Int] = [:]
        sim.filter = { segment in
            guard segment.from == .a, segment.payloadCount > 0 else { return true }
            if index[segment.sequence] == nil { index[segment.sequence] = index.count }
            // Only a segment's first transmission is lost.
            return !(lost.contains(index[segment.sequence]!) && seen.insert(segment.sequence).inserted)
        }
        var rng = SplitMix64(seed: 42)
        let data = rng.bytes(size * segments)
        let start = sim.now
        #expect(sim.write(.a, client, data[...]) == data.count)
        var received: [UInt8] = []
        let slot = Int(client.index)
        sim.run(for: .seconds(10)) { sim in
            received += sim.readAll(.b, server)
            return sim.a.table.slots[slot].sendUnacknowledged == sim.a.table.slots[slot].sendMax && received.count == data.count
        }
        let counters = sim.a.counters
        return Recovery(
            duration: sim.now - start, retransmissions: counters.retransmissions, timeouts: counters.timeouts,
            sackRecoveries: counters.sackRecoveries, fastRetransmits: counters.fastRetransmits, intact: received == data)
    }

    @Test func severalLossesInOneWindowTakeOneRecoveryWithSack() {
        let lost: Set<Int> = [2, 5, 8, 11, 14]
        let sack = Self.recover(selectiveAck: true, segments: 30, lost: lost)
        let newReno = Self.recover(selectiveAck: false, segments: 30, lost: lost)
        #expect(sack.intact && newReno.intact)
        #expect(sack.timeouts == 0)
        #expect(sack.sackRecoveries == 1 && sack.fastRetransmits == 1)
        #expect(newReno.sackRecoveries == 0)
        // SACK resends exactly the lost segments, all within about one round trip;
        // NewReno learns of one hole per round trip (or times out).
        #expect(sack.retransmissions == lost.count)
        #expect(sack.retransmissions <= newReno.retransmissions)
        #expect(sack.duration < newReno.duration)
    }

    /// The last two segments of the window are lost too: no SACK can reveal them, so the
    /// rescue retransmission (RFC 6675 NextSeg rule 4) sends the highest, whose SACK then
    /// marks the other for rule 3, all without waiting for the retransmission timer.
    @Test func aLostTailIsRescuedWithoutATimeout() {
        let lost: Set<Int> = [3, 28, 29]
        let sack = Self.recover(selectiveAck: true, segments: 30, lost: lost)
        #expect(sack.intact)
        #expect(sack.timeouts == 0)
        #expect(sack.sackRecoveries == 1)
        #expect(sack.retransmissions == lost.count)
    }

    static func blocks(_ ranges: [(UInt32, UInt32)]) -> TCPSackBlocks {
        var blocks = TCPSackBlocks()
        for (left, right) in ranges { blocks.append(left: TCPSequenceNumber(left), right: TCPSequenceNumber(right)) }
        return blocks
    }

    static func ranges(_ board: TCPSackScoreboard) -> [ClosedRange<UInt32>] {
        (0..<board.count).map { board.left($0).rawValue...(board.right($0).rawValue - 1) }
    }

    @Test func scoreboardMergesAndIgnoresBlocksOutsideTheWindow() {
        var board = TCPSackScoreboard()
        let una = TCPSequenceNumber(1000)
        let sendMax = TCPSequenceNumber(100_000)
        #expect(board.update(una: una, sendMax: sendMax, blocks: Self.blocks([(5000, 6000), (2000, 3000)])) == 2000)
        #expect(Self.ranges(board) == [2000...2999, 5000...5999])
        #expect(board.update(una: una, sendMax: sendMax, blocks: Self.blocks([(3000, 5000), (2500, 2600)])) == 2000)
        #expect(Self.ranges(board) == [2000...5999])
        // A D-SACK below SND.UNA, one straddling it, empty, reversed, beyond SND.MAX.
        let hostile = Self.blocks([(900, 1000), (500, 1500), (7000, 7000), (99_000, 100_001)])
        #expect(board.update(una: una, sendMax: sendMax, blocks: hostile) == 0)
        #expect(board.update(una: una, sendMax: sendMax, blocks: Self.blocks([(8000, 7000)])) == 0)
        #expect(Self.ranges(board) == [2000...5999])
        // The cumulative ACK trims what it covers.
        #expect(board.update(una: TCPSequenceNumber(2500), sendMax: sendMax, blocks: TCPSackBlocks()) == 0)
        #expect(Self.ranges(board) == [2500...5999])
        #expect(board.update(una: TCPSequenceNumber(6000), sendMax: sendMax, blocks: TCPSackBlocks()) == 0)
        #expect(board.count == 0)
    }

    @Test func scoreboardKeepsTheLowestRangesWhenFull() {
        var board = TCPSackScoreboard()
        var rng = SplitMix64(seed: 8)
        var starts = (0..<20).map { UInt32(2000 + 1000 * $0) }
        for i in starts.indices.reversed() { starts.swapAt(i, rng.int(0...i)) }
        for start in starts { _ = board.update(una: TCPSequenceNumber(1000), sendMax: TCPSequenceNumber(50_000), blocks: Self.blocks([(start, start + 100)])) }
        #expect(board.count == TCPSackScoreboard.capacity)
        let lowest: [ClosedRange<UInt32>] = (0..<8).map { (i: Int) -> ClosedRange<UInt32> in
            let start = UInt32(2000 + 1000 * i)
            return start...(start + 99)
        }
        #expect(Self.ranges(board) == lowest)
    }

    @Test func lossAndPipeFollowRfc6675() {
        var board = TCPSackScoreboard()
        _ = board.update(una: TCPSequenceNumber(0), sendMax: TCPSequenceNumber(700), blocks: Self.blocks([(100, 200), (300, 400), (500, 600)]))
        // Three discontiguous ranges above 0; above 250 only two, 200 bytes: not more
        // than (DupThresh - 1) segments of 100.
        #expect(board.isLost(TCPSequenceNumber(0), segmentSize: 100))
        #expect(!board.isLost(TCPSequenceNumber(250), segmentSize: 100))
        #expect(board.isLost(TCPSequenceNumber(250), segmentSize: 99))
        // Holes [0, 100) lost; [200, 300), [400, 500), [600, 700) in the network.
        #expect(board.pipe(una: TCPSequenceNumber(0), highData: TCPSequenceNumber(700), highRetransmit: TCPSequenceNumber(0), segmentSize: 100) == 300)
        // Once [0, 100) is resent, it is in the network again.
        #expect(board.pipe(una: TCPSequenceNumber(0), highData: TCPSequenceNumber(700), highRetransmit: TCPSequenceNumber(100), segmentSize: 100) == 400)
        let first = board.firstHole(from: TCPSequenceNumber(0), una: TCPSequenceNumber(0), lostOnly: true, segmentSize: 100)
        #expect(first?.start == TCPSequenceNumber(0) && first?.end == TCPSequenceNumber(100))
        #expect(board.firstHole(from: TCPSequenceNumber(100), una: TCPSequenceNumber(0), lostOnly: true, segmentSize: 100) == nil)
        #expect(board.firstHole(from: TCPSequenceNumber(100), una: TCPSequenceNumber(0), lostOnly: false, segmentSize: 100)?.start == TCPSequenceNumber(200))
        #expect(board.highestHole(una: TCPSequenceNumber(0), highData: TCPSequenceNumber(700))?.start == TCPSequenceNumber(600))
    }

    /// A peer (or a forger) sending SACK blocks at random: the scoreboard stays within
    /// its bounds and inside SND.UNA..SND.MAX, a timeout clears it, and the data still
    /// arrives whole.
    @Test(arguments: [propertySeed, 1, 2])
    func hostileSackBlocksStayBoundedAndHarmless(seed: UInt64) {
        var sim = TCPSimulation(seed: seed)
        let (client, server) = sim.open()
        let slot = Int(client.index)
        sim.a.setNoDelay(client, true)
        sim.filter = { !($0.from == .a && $0.payloadCount > 0) }
        var rng = SplitMix64(seed: seed)
        let data = rng.bytes(40_000)
        _ = sim.write(.a, client, data[...])
        sim.flush()
        for _ in 0..<300 {
            let tcb = sim.a.table.slots[slot]
            var options: [UInt8] = [1, 1, 5, 34]
            for _ in 0..<4 {
                let base = rng.bool() ? tcb.sendUnacknowledged.rawValue &+ UInt32(bitPattern: Int32(rng.int(-2000...50_000))) : rng.u32()
                options += Frames.be32(base) + Frames.be32(base &+ UInt32(bitPattern: Int32(rng.int(-100...20_000))))
            }
            let ack = TCPCraft.segment(
                from: TCPSimulation.addressB, to: TCPSimulation.addressA, sourcePort: tcb.remotePort, destinationPort: tcb.localPort,
                sequence: tcb.receiveNext.rawValue, ack: tcb.sendUnacknowledged.rawValue, flags: TCPHeader.Flags.ack,
                window: UInt16(tcb.sendWindow >> Int(tcb.sendScale)), options: options)
            sim.inject(ack, to: .a)
            let board = sim.a.table.slots[slot].scoreboard
            #expect(board.count <= TCPSackScoreboard.capacity)
            for i in 0..<board.count {
                #expect(tcb.sendUnacknowledged < board.left(i) && board.left(i) < board.right(i) && !(tcb.sendMax < board.right(i)))
                if i > 0 { #expect(board.right(i - 1) < board.left(i)) }
            }
        }
        #expect(sim.a.table.slots[slot].scoreboard.count > 0)
        sim.run(for: .seconds(5)) { $0.a.counters.timeouts > 0 }
        #expect(sim.a.table.slots[slot].scoreboard.count == 0)
        sim.filter = nil
        var received: [UInt8] = []
        sim.run(for: .seconds(120)) { sim in
            received += sim.readAll(.b, server)
            return received.count == data.count
        }
        #expect(received == data, "seed \(seed)")
    }
}
