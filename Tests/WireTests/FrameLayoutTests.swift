import Testing
import Wire
import TestSupport

/// FrameLayout: header offsets and the classifier fields, on frames built by hand.
struct FrameLayoutTests {
    typealias F = Frames

    @Test func untaggedTCP() {
        let frame = F.ethernet(type: 0x0800, F.ipv4(proto: 6, tos: 0x2E, F.tcp(src: 1000, dst: 22)))
        let l = FrameLayout(frame: frame[...])
        #expect(l.destination == F.hostB && l.source == F.hostA)
        #expect(l.vlanTCI == nil)
        #expect(l.etherType == .ipv4)
        #expect(l.networkOffset == 14)
        #expect(l.ipProtocol == .tcp && l.arpOperation == nil)
        #expect(l.networkSource == F.ipA && l.networkDestination == F.ipB)
        #expect(l.tos == 0x2E)  // the whole byte; Match keeps only DSCP
        #expect(!l.isFragment)
        #expect(l.transportOffset == 34)
        #expect(l.transportSource == 1000 && l.transportDestination == 22)
    }

    @Test func taggedWithOptions() {
        let frame = F.tagged(pcp: 6, vid: 4000, type: 0x0800, F.ipv4(proto: 17, options: zeros(8), F.udp(src: 1, dst: 2)))
        let l = FrameLayout(frame: frame[...])
        #expect(l.vlanTCI == UInt16(0xC000 | 4000))
        #expect(l.etherType == .ipv4)
        #expect(l.networkOffset == 18)
        #expect(l.transportOffset == 18 + 28)
        #expect(l.transportSource == 1 && l.transportDestination == 2)
    }

    @Test func icmp() {
        let frame = F.ethernet(type: 0x0800, F.ipv4(proto: 1, F.icmp(type: 0, code: 0)))
        let l = FrameLayout(frame: frame[...])
        #expect(l.ipProtocol == .icmp && l.transportOffset == 34)
        #expect(l.transportSource == 0 && l.transportDestination == 0)
        // Three bytes of ICMP are not a header.
        let short = F.ethernet(type: 0x0800, F.ipv4(proto: 1, [3, 1, 0]))
        #expect(FrameLayout(frame: short[...]).transportOffset == nil)
    }

    @Test func fragmentHasNoTransport() {
        let frame = F.ethernet(type: 0x0800, F.ipv4(proto: 6, flagsAndOffset: 0x2000, F.tcp(src: 1, dst: 2)))
        let l = FrameLayout(frame: frame[...])
        #expect(l.isFragment && l.ipProtocol == .tcp)
        #expect(l.transportOffset == nil && l.transportSource == 0 && l.transportDestination == 0)
    }

    @Test func arp() {
        let frame = F.ethernet(type: 0x0806, F.arp(operation: 1))
        let l = FrameLayout(frame: frame[...])
        #expect(l.etherType == .arp && l.networkOffset == 14)
        #expect(l.arpOperation == 1 && l.ipProtocol == nil)
        #expect(l.networkSource == F.ipA && l.networkDestination == F.ipB)
        #expect(l.transportOffset == nil)
    }

    @Test func llcSnap() {
        let frame = F.ethernet(type: 60, [0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00] + F.ipv4(proto: 6, F.tcp(src: 5, dst: 6)))
        let l = FrameLayout(frame: frame[...])
        #expect(l.etherType == .ipv4)
        #expect(l.networkOffset == 22)
        #expect(l.transportOffset == 42)
        #expect(l.transportSource == 5)
    }

    @Test func llcWithoutSnap() {
        let frame = F.ethernet(type: 38, [0x42, 0x42, 0x03] + zeros(35))
        let l = FrameLayout(frame: frame[...])
        #expect(l.etherType == nil)
        #expect(l.networkOffset == 14)
        #expect(l.ipProtocol == nil && l.transportOffset == nil)
    }

    @Test func tooShortStopsAtTheLayerBefore() {
        #expect(FrameLayout(frame: zeros(13)[...]) == FrameLayout())
        let tagOnly = F.ethernet(type: 0x8100, [0x00])
        let l = FrameLayout(frame: tagOnly[...])
        #expect(l.source == F.hostA && l.vlanTCI == nil)
        #expect(l.etherType == .vlan && l.networkOffset == 14)  // stops at the cut tag
        let ipCut = F.ethernet(type: 0x0800, Array(F.ipv4(proto: 6, F.tcp(src: 1, dst: 2)).prefix(19)))
        let cut = FrameLayout(frame: ipCut[...])
        #expect(cut.etherType == .ipv4 && cut.networkOffset == 14 && cut.ipProtocol == nil)
    }

    @Test func offsetSliceGivesTheSameOffsets() {
        let frame = F.tagged(pcp: 1, vid: 2, type: 0x0800, F.ipv4(proto: 17, F.udp(src: 3, dst: 4)))
        let padded = zeros(5) + frame
        #expect(FrameLayout(frame: padded[5...]) == FrameLayout(frame: frame[...]))
    }

    @Test func randomBytesNeverTrap() {
        var rng = SplitMix64(seed: propertySeed)
        let templates = [
            F.tagged(pcp: 1, vid: 2, type: 0x0800, F.ipv4(proto: 6, options: zeros(4), F.tcp(src: 3, dst: 4))),
            F.ethernet(type: 0x0806, F.arp(operation: 2)),
            F.ethernet(type: 50, [0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x00] + F.ipv4(proto: 1, F.icmp(type: 8, code: 0))),
        ]
        for _ in 0..<3000 {
            var frame = rng.pick(templates)
            for _ in 0..<rng.int(0...4) { frame[rng.int(0..<frame.count)] = rng.u8() }
            frame.removeLast(rng.int(0...frame.count))
            let l = FrameLayout(frame: frame[...])
            if let at = l.transportOffset { #expect(at < frame.count) }
            #expect(l.networkOffset <= frame.count)
        }
    }
}
