import NetStack
import Testing
import Wire

/// A listener under a SYN flood with SYN cookies off: the backlog stays bounded by
/// evicting half-open entries, yet a real client's SYN is still answered and accepted.
struct TCPSynFloodTests {
    /// Spoofed SYNs from ports 40000... whose SYN-ACKs go nowhere (the flood's sources do
    /// not answer), so they would sit half-open through all their retries.
    static func flood(_ sim: inout TCPSimulation, count: Int) {
        for index in 0..<count {
            sim.inject(TCPCraft.segment(
                from: TCPSimulation.addressA, to: TCPSimulation.addressB, sourcePort: UInt16(40000 + index),
                destinationPort: 80, sequence: UInt32(index &* 7919), flags: TCPHeader.Flags.syn), to: .b)
        }
    }

    static func isSpoofed(_ segment: TCPSimulation.Sent) -> Bool {
        let port = UInt16(segment.bytes[2]) << 8 | UInt16(segment.bytes[3])
        return segment.from == .b && (40000..<49152).contains(port)
    }

    @Test func aFullBacklogDropsAHalfOpenEntryForEachNewSyn() {
        var limits = TCPLimits()
        limits.synBacklog = 4
        limits.synCookies = false
        var sim = TCPSimulation(limits: limits)
        sim.filter = { !Self.isSpoofed($0) }
        _ = try! sim.b.listen(port: 80)
        Self.flood(&sim, count: 10)
        // Every SYN is answered; the six beyond the backlog each pushed an older one out.
        #expect(sim.segments(from: .b).filter { $0.has(TCPHeader.Flags.syn) }.count == 10)
        #expect(sim.b.counters.synDropped == 6)
    }

    @Test func aRealClientGetsThroughAFlood() {
        var limits = TCPLimits()
        limits.synBacklog = 16
        limits.synCookies = false
        var sim = TCPSimulation(limits: limits)
        sim.filter = { !Self.isSpoofed($0) }
        let listener = try! sim.b.listen(port: 80)
        Self.flood(&sim, count: 2000)
        let client = try! sim.a.connect(from: TCPSimulation.addressA, to: TCPSimulation.addressB, port: 80, now: sim.now)
        var server: TCPHandle?
        let done = sim.run(for: .seconds(10)) { sim in
            if server == nil { server = sim.b.accept(listener) }
            return server != nil && sim.a.state(client) == .established
        }
        #expect(done, "the client's handshake did not complete under the flood")
        #expect(sim.b.counters.synDropped >= 2000 - 16)
    }
}
