import NetStack
import Scheduler
import Testing
import TestSupport
import Wire

/// An unfinished datagram's sender hears ICMP time exceeded (code 1) quoting its first
/// fragment, within the ICMP error budget; and one source cannot hold every slot.
@Suite struct ReassemblyTimeoutTests {
    /// The first `count` fragments of a 3000-byte UDP datagram, with identification `id`
    /// and source `source`.
    static func fragments(id: UInt8, source: IPv4Address = Net.ipA) -> [[UInt8]] {
        let datagram = Net.udp(src: source, srcPort: 1000, dstPort: 9, [UInt8](repeating: id, count: 3000))
        return stride(from: 0, to: datagram.count, by: 1480).map { offset in
            let end = min(offset + 1480, datagram.count)
            let more: UInt16 = end < datagram.count ? 0x2000 : 0
            var frame = Net.ipFrame(proto: 17, src: source, flagsAndOffset: more | UInt16(offset / 8), Array(datagram[offset..<end]))
            frame[19] = id
            frame[24] = 0
            frame[25] = 0
            let sum = Net.checksum(Array(frame[14..<34]))
            frame[24] = UInt8(sum >> 8)
            frame[25] = UInt8(sum & 0xFF)
            return frame
        }
    }

    static func timeExceeded(_ frames: [[UInt8]]) -> [Net.Parsed] {
        frames.compactMap(Net.parse).filter { $0.ip.proto == .icmp && $0.payload.first == 11 }
    }

    @Test func aTimeoutWithTheFirstFragmentIsReportedQuotingIt() throws {
        var stack = Net.stack()
        Net.learnPeer(&stack)
        let frames = Self.fragments(id: 1)
        stack.receive(frame: frames[0][...], now: Net.seconds(1))
        stack.tick(now: Net.seconds(31))
        let errors = Self.timeExceeded(Net.drain(&stack, now: Net.seconds(31)))
        let error = try #require(errors.first)
        #expect(errors.count == 1 && error.ip.destination == Net.ipA)
        let icmp = Array(error.payload)
        #expect(icmp[1] == 1, "code 1: fragment reassembly time exceeded")
        #expect(Net.checksum(icmp) == 0)
        let quoted = Array(frames[0][14...])
        #expect(Array(icmp[8...]) == Array(quoted.prefix(576 - 28)), "the first fragment, cut to fit 576 bytes")
        #expect(stack.counters.reassemblyTimeouts == 1 && stack.counters.icmpErrorsSent == 1)
    }

    @Test func aTimeoutWithoutTheFirstFragmentIsSilent() {
        var stack = Net.stack()
        Net.learnPeer(&stack)
        stack.receive(frame: Self.fragments(id: 1)[2][...], now: .zero)
        stack.tick(now: Net.seconds(30))
        #expect(stack.counters.reassemblyTimeouts == 1)
        #expect(Self.timeExceeded(Net.drain(&stack, now: Net.seconds(30))).isEmpty)
    }

    @Test func reportsGoThroughTheICMPErrorBudget() {
        var limits = NetStackLimits()
        limits.icmpErrorBurst = 2
        limits.icmpErrorsPerSecond = 1
        var stack = Net.stack(limits: limits)
        Net.learnPeer(&stack)
        for id in 1...3 { stack.receive(frame: Self.fragments(id: UInt8(id))[0][...], now: .zero) }
        stack.tick(now: Net.seconds(30))
        #expect(Self.timeExceeded(Net.drain(&stack, now: Net.seconds(30))).count == 2)
        #expect(stack.counters.reassemblyTimeouts == 3 && stack.counters.icmpRateLimited == 1)
    }

    @Test func oneSourceHoldsAtMostItsShareOfTheSlots() {
        var stack = Net.stack()
        for id in 1...5 { stack.receive(frame: Self.fragments(id: UInt8(id))[0][...], now: .zero) }
        #expect(stack.counters.reassemblyDrops == 1, "the fifth datagram from one source")
        let other = IPv4Address(192, 0, 2, 7)
        for id in 1...4 { stack.receive(frame: Self.fragments(id: UInt8(id), source: other)[0][...], now: .zero) }
        #expect(stack.counters.reassemblyDrops == 1, "another source still finds slots")
    }
}
