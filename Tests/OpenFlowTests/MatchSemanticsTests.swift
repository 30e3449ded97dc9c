import OpenFlow
import Testing
import Wire
import TestSupport

/// `Match.matches`, wildcards with nw prefixes, and `normalized`.
struct MatchSemanticsTests {
    static let packet = Match(
        wildcards: [], inPort: PortNumber(1), dlSrc: Frames.hostA, dlDst: Frames.hostB, dlVLAN: 10,
        dlVLANPCP: 3, dlType: 0x0800, nwTOS: 0x28, nwProto: 6, nwSrc: IPv4Address(10, 1, 2, 3),
        nwDst: IPv4Address(10, 9, 8, 7), tpSrc: 1234, tpDst: 80)

    @Test func wildcardBitsAreTheSpecsNumbers() {
        #expect(Wildcards.inPort.rawValue == 1 << 0)
        #expect(Wildcards.dlVLAN.rawValue == 1 << 1)
        #expect(Wildcards.dlSrc.rawValue == 1 << 2)
        #expect(Wildcards.dlDst.rawValue == 1 << 3)
        #expect(Wildcards.dlType.rawValue == 1 << 4)
        #expect(Wildcards.nwProto.rawValue == 1 << 5)
        #expect(Wildcards.tpSrc.rawValue == 1 << 6)
        #expect(Wildcards.tpDst.rawValue == 1 << 7)
        #expect(Wildcards.dlVLANPCP.rawValue == 1 << 20)
        #expect(Wildcards.nwTOS.rawValue == 1 << 21)
        #expect(Wildcards.all.rawValue == 0x003F_FFFF)
        #expect(Wildcards.all.nwSrcWildcardBits == 63 && Wildcards.all.nwDstWildcardBits == 63)
    }

    @Test func nwPrefixAccessors() {
        var w = Wildcards(rawValue: 0)
        #expect(w.nwSrcPrefix == 32 && w.nwDstPrefix == 32)
        w.nwSrcWildcardBits = 8
        w.nwDstWildcardBits = 16
        #expect(w.rawValue == 8 << 8 | 16 << 14)
        #expect(w.nwSrcPrefix == 24 && w.nwDstPrefix == 16)
        w.nwSrcWildcardBits = 32
        #expect(w.nwSrcPrefix == 0)
        w.nwSrcWildcardBits = 40
        #expect(w.nwSrcPrefix == 0 && w.nwSrcWildcardBits == 40)
        w.nwSrcWildcardBits = 100  // clamped to the 6-bit field
        #expect(w.nwSrcWildcardBits == 63)
        #expect(w.nwDstWildcardBits == 16, "setting nw_src must not touch nw_dst")
        w.nwDstWildcardBits = -1
        #expect(w.nwDstWildcardBits == 0)
        #expect(w.nwSrcWildcardBits == 63)
    }

    @Test func exactMatchMatchesItselfOnly() {
        let m = Self.packet
        #expect(m.matches(Self.packet))
        var other = Self.packet
        other.tpDst = 81
        #expect(!m.matches(other))
    }

    @Test func allWildcardsMatchAnything() {
        var rng = SplitMix64(seed: propertySeed)
        for _ in 0..<200 {
            var packet = rng.match()
            packet.wildcards = []
            #expect(Match().matches(packet))
        }
    }

    @Test func eachWildcardFreesItsField() {
        let changes: [(Wildcards, (inout Match) -> Void)] = [
            (.inPort, { $0.inPort = PortNumber(2) }),
            (.dlSrc, { $0.dlSrc = .broadcast }),
            (.dlDst, { $0.dlDst = .broadcast }),
            (.dlVLAN, { $0.dlVLAN = 11 }),
            (.dlVLANPCP, { $0.dlVLANPCP = 4 }),
            (.dlType, { $0.dlType = 0x0806 }),
            (.nwTOS, { $0.nwTOS = 0x2C }),
            (.nwProto, { $0.nwProto = 17 }),
            (.tpSrc, { $0.tpSrc = 1 }),
            (.tpDst, { $0.tpDst = 2 }),
        ]
        for (wildcard, change) in changes {
            var packet = Self.packet
            change(&packet)
            var rule = Self.packet
            #expect(!rule.matches(packet), "\(wildcard.rawValue)")
            rule.wildcards = wildcard
            #expect(rule.matches(packet), "\(wildcard.rawValue)")
            // The other fields still count.
            packet.nwDst = IPv4Address(1, 1, 1, 1)
            #expect(!rule.matches(packet), "\(wildcard.rawValue)")
        }
    }

    @Test func nwPrefixes() {
        var rule = Self.packet
        rule.nwSrc = IPv4Address(10, 1, 2, 0)
        rule.wildcards.nwSrcWildcardBits = 8  // 10.1.2.0/24
        #expect(rule.matches(Self.packet))
        var packet = Self.packet
        packet.nwSrc = IPv4Address(10, 1, 2, 255)
        #expect(rule.matches(packet))
        packet.nwSrc = IPv4Address(10, 1, 3, 3)
        #expect(!rule.matches(packet))
        rule.wildcards.nwSrcWildcardBits = 9  // 10.1.2.0/23 takes in 10.1.3.x
        #expect(rule.matches(packet))
        for bits in [32, 33, 63] {
            rule.wildcards.nwSrcWildcardBits = bits
            packet.nwSrc = IPv4Address(203, 0, 113, 9)
            #expect(rule.matches(packet), "\(bits) bits")
        }
        rule.wildcards.nwSrcWildcardBits = 0
        #expect(!rule.matches(packet))

        var dst = Self.packet
        dst.nwDst = IPv4Address(10, 0, 0, 0)
        dst.wildcards.nwDstWildcardBits = 24  // 10.0.0.0/8
        #expect(dst.matches(Self.packet))
        packet = Self.packet
        packet.nwDst = IPv4Address(11, 9, 8, 7)
        #expect(!dst.matches(packet))
        dst.wildcards.nwDstWildcardBits = 31  // 0.0.0.0/1
        #expect(dst.matches(packet))
        packet.nwDst = IPv4Address(128, 0, 0, 1)
        #expect(!dst.matches(packet))
    }

    @Test func normalizedClearsWildcardedFieldsAndHostBits() {
        var rule = Self.packet
        rule.wildcards = [.inPort, .dlSrc, .dlVLANPCP, .tpDst]
        rule.wildcards.nwSrcWildcardBits = 8
        rule.wildcards.nwDstWildcardBits = 32
        let n = rule.normalized
        #expect(n.wildcards == rule.wildcards)
        #expect(n.inPort == PortNumber(0) && n.dlSrc == .zero && n.dlVLANPCP == 0 && n.tpDst == 0)
        #expect(n.dlDst == Frames.hostB && n.dlVLAN == 10 && n.dlType == 0x0800 && n.nwTOS == 0x28)
        #expect(n.nwProto == 6 && n.tpSrc == 1234)
        #expect(n.nwSrc == IPv4Address(10, 1, 2, 0))
        #expect(n.nwDst == .any)
        #expect(n.normalized == n)
        // Matches that differ only in ignored bits normalize equal, and match alike.
        var twin = rule
        twin.inPort = PortNumber(99)
        twin.dlSrc = .broadcast
        twin.nwSrc = IPv4Address(10, 1, 2, 200)
        twin.nwDst = IPv4Address(1, 2, 3, 4)
        #expect(twin != rule)
        #expect(twin.normalized == rule.normalized)
        // 32 through 63 ignored address bits all mean "any": one spelling, 32.
        #expect(Match().normalized.wildcards.nwSrcWildcardBits == 32)
        #expect(Match().normalized.wildcards.nwDstWildcardBits == 32)
        #expect(Match().normalized.normalized == Match().normalized)
        var any40 = Match()
        any40.wildcards.nwSrcWildcardBits = 40
        any40.nwSrc = IPv4Address(1, 2, 3, 4)
        #expect(any40.normalized == Match().normalized)
    }

    @Test func normalizedMatchesTheSamePackets() {
        var rng = SplitMix64(seed: propertySeed ^ 0x77)
        for i in 0..<1000 {
            var rule = rng.match()
            rule.wildcards = Wildcards(rawValue: rng.u32() & Wildcards.all.rawValue)
            var packet = rng.bool() ? rule : rng.match()
            packet.wildcards = []
            if rng.bool() { packet.nwSrc = IPv4Address(rawValue: rule.nwSrc.rawValue ^ UInt32(rng.u8())) }
            #expect(rule.matches(packet) == rule.normalized.matches(packet), "seed \(propertySeed ^ 0x77) case \(i)")
        }
    }
}
