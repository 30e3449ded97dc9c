import OpenFlow
import Testing
import Wire
import TestSupport

/// `Match(frame:inPort:)` by the OpenFlow 1.0 rules, on frames built by hand.
struct MatchFromFrameTests {
    typealias F = Frames

    /// The exact match expected for a frame from hostA to hostB on port 7.
    func expected(
        dlVLAN: UInt16 = Match.vlanNone, dlVLANPCP: UInt8 = 0, dlType: UInt16, nwTOS: UInt8 = 0, nwProto: UInt8 = 0,
        nwSrc: IPv4Address = .any, nwDst: IPv4Address = .any, tpSrc: UInt16 = 0, tpDst: UInt16 = 0
    ) -> Match {
        Match(
            wildcards: [], inPort: PortNumber(7), dlSrc: F.hostA, dlDst: F.hostB, dlVLAN: dlVLAN,
            dlVLANPCP: dlVLANPCP, dlType: dlType, nwTOS: nwTOS, nwProto: nwProto, nwSrc: nwSrc, nwDst: nwDst,
            tpSrc: tpSrc, tpDst: tpDst)
    }

    /// The match, after checking that `Match.writeExact` writes the same 40 bytes.
    func match(_ frame: [UInt8]) -> Match {
        let match = Match(frame: frame[...], inPort: PortNumber(7))
        #expect(Self.written(frame[...]) == Self.encoded(match), "\(frame.count) bytes")
        return match
    }

    /// A FLOW_MOD's bytes with `match` set the two-step way, and with the frame's exact
    /// match written straight from its bytes.
    static func encoded(_ match: Match) -> [UInt8] {
        var template = try! FlowModTemplate(FlowMod(match: Match(), command: .add))
        template.setMatch(match)
        return template.bytes
    }

    static func written(_ frame: ArraySlice<UInt8>, inPort: PortNumber = PortNumber(7)) -> [UInt8] {
        var template = try! FlowModTemplate(FlowMod(match: Match(), command: .add))
        template.setExactMatch(of: frame, inPort: inPort)
        return template.bytes
    }

    @Test func untaggedTCP() {
        let frame = F.ethernet(type: 0x0800, F.ipv4(proto: 6, tos: 0x10, F.tcp(src: 49152, dst: 443)))
        #expect(match(frame) == expected(dlType: 0x0800, nwTOS: 0x10, nwProto: 6, nwSrc: F.ipA, nwDst: F.ipB, tpSrc: 49152, tpDst: 443))
        #expect(match(frame).wildcards == Wildcards(rawValue: 0))
    }

    @Test func untaggedNonIP() {
        let frame = F.ethernet(type: 0x88CC, [UInt8](repeating: 0x11, count: 46))  // LLDP
        #expect(match(frame) == expected(dlType: 0x88CC))
    }

    @Test func vlanTaggedGivesVIDAndPCP() {
        let frame = F.tagged(pcp: 5, dei: true, vid: 100, type: 0x0800, F.ipv4(proto: 17, F.udp(src: 68, dst: 67)))
        #expect(match(frame) == expected(
            dlVLAN: 100, dlVLANPCP: 5, dlType: 0x0800, nwProto: 17, nwSrc: F.ipA, nwDst: F.ipB, tpSrc: 68, tpDst: 67))
        // Priority-tagged (VID 0) and the top VID.
        #expect(match(F.tagged(pcp: 7, vid: 0, type: 0x88CC, [0])).dlVLAN == 0)
        #expect(match(F.tagged(pcp: 7, vid: 0, type: 0x88CC, [0])).dlVLANPCP == 7)
        #expect(match(F.tagged(pcp: 0, vid: 4095, type: 0x88CC, [0])).dlVLAN == 4095)
    }

    @Test func arpRequestAndReply() {
        let request = F.ethernet(dst: .broadcast, src: F.hostA, type: 0x0806, F.arp(operation: 1))
        var want = expected(dlType: 0x0806, nwProto: 1, nwSrc: F.ipA, nwDst: F.ipB)
        want.dlDst = .broadcast
        #expect(match(request) == want)
        let reply = F.ethernet(type: 0x0806, F.arp(operation: 2, senderMAC: F.hostA, senderIP: F.ipA, targetMAC: F.hostB, targetIP: F.ipB))
        #expect(match(reply) == expected(dlType: 0x0806, nwProto: 2, nwSrc: F.ipA, nwDst: F.ipB))
    }

    @Test func arpOpcodeLowEightBits() {
        let frame = F.ethernet(type: 0x0806, F.arp(operation: 0x0104))
        #expect(match(frame).nwProto == 0x04)
    }

    @Test func arpForOtherHardwareIsNotParsed() {
        let frame = F.ethernet(type: 0x0806, F.arp(operation: 1, hardwareType: 6))
        #expect(match(frame) == expected(dlType: 0x0806))
        let short = F.ethernet(type: 0x0806, Array(F.arp(operation: 1).prefix(27)))
        #expect(match(short) == expected(dlType: 0x0806))
    }

    @Test func udpPorts() {
        let frame = F.ethernet(type: 0x0800, F.ipv4(proto: 17, F.udp(src: 5353, dst: 53, [1, 2, 3])))
        #expect(match(frame) == expected(dlType: 0x0800, nwProto: 17, nwSrc: F.ipA, nwDst: F.ipB, tpSrc: 5353, tpDst: 53))
    }

    @Test(arguments: [(UInt8(8), UInt8(0)), (0, 0), (3, 3), (11, 1), (255, 255)])
    func icmpTypeAndCodeInTransportFields(type: UInt8, code: UInt8) {
        let frame = F.ethernet(type: 0x0800, F.ipv4(proto: 1, F.icmp(type: type, code: code)))
        #expect(match(frame) == expected(
            dlType: 0x0800, nwProto: 1, nwSrc: F.ipA, nwDst: F.ipB, tpSrc: UInt16(type), tpDst: UInt16(code)))
    }

    @Test(arguments: [(UInt8(0xB8), UInt8(0xB8)), (0xBB, 0xB8), (0x03, 0x00), (0xFF, 0xFC), (0x01, 0x00)])
    func tosKeepsOnlyDSCPBits(tos: UInt8, dscpBits: UInt8) {
        let frame = F.ethernet(type: 0x0800, F.ipv4(proto: 6, tos: tos, F.tcp(src: 1, dst: 2)))
        #expect(match(frame).nwTOS == dscpBits)
    }

    @Test func firstFragmentHasNoTransportFields() {
        // MF set, offset 0: the TCP header is there, but a fragment never gives ports.
        let frame = F.ethernet(type: 0x0800, F.ipv4(proto: 6, flagsAndOffset: 0x2000, F.tcp(src: 1000, dst: 80)))
        #expect(match(frame) == expected(dlType: 0x0800, nwProto: 6, nwSrc: F.ipA, nwDst: F.ipB))
    }

    @Test func laterFragmentsHaveNoTransportFields() {
        for flags: UInt16 in [0x2000 | 185, 185, 0x1FFF, 0x4000 | 1] {
            let frame = F.ethernet(type: 0x0800, F.ipv4(proto: 17, flagsAndOffset: flags, F.udp(src: 9, dst: 9)))
            #expect(match(frame) == expected(dlType: 0x0800, nwProto: 17, nwSrc: F.ipA, nwDst: F.ipB), "flags \(flags)")
        }
    }

    @Test func dontFragmentIsNotAFragment() {
        let frame = F.ethernet(type: 0x0800, F.ipv4(proto: 17, flagsAndOffset: 0x4000, F.udp(src: 9, dst: 10)))
        #expect(match(frame).tpSrc == 9)
        #expect(match(frame).tpDst == 10)
    }

    @Test(arguments: [4, 8, 40])
    func ipv4OptionsAreSkipped(optionBytes: Int) {
        let options = [UInt8](repeating: 0x01, count: optionBytes - 1) + [0x00]  // NOPs, then EOL
        let frame = F.ethernet(type: 0x0800, F.ipv4(proto: 6, options: options, F.tcp(src: 22, dst: 2222)))
        #expect(match(frame) == expected(dlType: 0x0800, nwProto: 6, nwSrc: F.ipA, nwDst: F.ipB, tpSrc: 22, tpDst: 2222))
    }

    @Test func truncatedTransportHeaderGivesZeroPorts() {
        let tcp = F.ethernet(type: 0x0800, F.ipv4(proto: 6, Array(F.tcp(src: 1, dst: 2).prefix(19))))
        #expect(match(tcp) == expected(dlType: 0x0800, nwProto: 6, nwSrc: F.ipA, nwDst: F.ipB))
        let udp = F.ethernet(type: 0x0800, F.ipv4(proto: 17, Array(F.udp(src: 1, dst: 2).prefix(7))))
        #expect(match(udp) == expected(dlType: 0x0800, nwProto: 17, nwSrc: F.ipA, nwDst: F.ipB))
        // ICMP needs type, code and checksum (4 bytes, as the 1.0 reference switch pulls).
        for length in 0...3 {
            let icmp = F.ethernet(type: 0x0800, F.ipv4(proto: 1, Array(F.icmp(type: 8, code: 0).prefix(length))))
            #expect(match(icmp) == expected(dlType: 0x0800, nwProto: 1, nwSrc: F.ipA, nwDst: F.ipB), "\(length) bytes")
        }
        let icmp4 = F.ethernet(type: 0x0800, F.ipv4(proto: 1, Array(F.icmp(type: 8, code: 1).prefix(4))))
        #expect(match(icmp4).tpSrc == 8 && match(icmp4).tpDst == 1)
    }

    @Test func otherIPProtocolsHaveZeroPorts() {
        let frame = F.ethernet(type: 0x0800, F.ipv4(proto: 47, [0, 0, 0x08, 0x00, 1, 2, 3, 4]))  // GRE
        #expect(match(frame) == expected(dlType: 0x0800, nwProto: 47, nwSrc: F.ipA, nwDst: F.ipB))
    }

    @Test func llcWithoutSNAPIsNotAnEtherType() {
        // An STP BPDU: 802.3 length, LLC 42 42 03.
        let frame = F.ethernet(dst: MACAddress(0x01, 0x80, 0xC2, 0, 0, 0), type: 0x0026, [0x42, 0x42, 0x03] + zeros(35))
        var want = expected(dlType: Match.dlTypeNotEthType)
        want.dlDst = MACAddress(0x01, 0x80, 0xC2, 0, 0, 0)
        #expect(match(frame) == want)
        #expect(Match.dlTypeNotEthType == 0x05FF)
    }

    @Test func snapWithNonZeroOUIIsNotAnEtherType() {
        // Cisco CDP: SNAP OUI 00 00 0c, type 0x2000.
        let frame = F.ethernet(type: 0x0030, [0xAA, 0xAA, 0x03, 0x00, 0x00, 0x0C, 0x20, 0x00] + zeros(40))
        #expect(match(frame).dlType == 0x05FF)
    }

    @Test func llcSnapCarriesItsEtherType() {
        let ip = F.ipv4(proto: 17, F.udp(src: 7, dst: 8))
        let frame = F.ethernet(type: UInt16(8 + ip.count), [0xAA, 0xAA, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00] + ip)
        #expect(match(frame) == expected(dlType: 0x0800, nwProto: 17, nwSrc: F.ipA, nwDst: F.ipB, tpSrc: 7, tpDst: 8))
        let arp = F.ethernet(type: 36, [0xAA, 0xAA, 0x03, 0x00, 0x00, 0x00, 0x08, 0x06] + F.arp(operation: 2))
        #expect(match(arp) == expected(dlType: 0x0806, nwProto: 2, nwSrc: F.ipA, nwDst: F.ipB))
    }

    @Test func tooShortFramesDoNotCrash() {
        let full = F.tagged(pcp: 3, vid: 9, type: 0x0800, F.ipv4(proto: 6, options: [1, 1, 1, 0], F.tcp(src: 1, dst: 2)))
        for length in 0...full.count {
            let m = match(Array(full.prefix(length)))
            #expect(m.inPort == PortNumber(7))
            #expect(m.wildcards == Wildcards(rawValue: 0))
            if length < 14 {
                #expect(m.dlSrc == .zero && m.dlDst == .zero, "\(length) bytes")
                #expect(m.dlVLAN == Match.vlanNone, "\(length) bytes")
            }
            if (14..<18).contains(length) {
                #expect(m.dlType == 0x8100 && m.dlVLAN == Match.vlanNone, "\(length) bytes: a cut tag")
            }
            if length >= 18 {
                #expect(m.dlVLAN == 9 && m.dlVLANPCP == 3 && m.dlType == 0x0800, "\(length) bytes")
            }
            // The ports appear only once the whole TCP header is there.
            let whole = length >= 18 + 24 + 20
            #expect((m.tpSrc, m.tpDst) == (whole ? 1 : 0, whole ? 2 : 0), "\(length) bytes")
        }
        // Short ARP and 802.3 frames too.
        let arp = F.ethernet(type: 0x0806, F.arp(operation: 1))
        for length in 0...arp.count { _ = match(Array(arp.prefix(length))) }
        let snap = F.ethernet(type: 0x40, [0xAA, 0xAA, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00] + F.ipv4(proto: 1, F.icmp(type: 0, code: 0)))
        for length in 0...snap.count { _ = match(Array(snap.prefix(length))) }
    }

    @Test func cutVLANTagKeepsTheTPIDAsType() {
        // As the 1.0 reference switch and Open vSwitch see it: dl_type 0x8100, no VLAN.
        let frame = Array(F.tagged(pcp: 1, vid: 5, type: 0x0800, []).prefix(16))
        #expect(match(frame) == expected(dlType: 0x8100))
    }

    @Test func ipv4HeaderIncompleteLeavesNetworkFieldsZero() {
        let ip = F.ipv4(proto: 6, tos: 0x20, F.tcp(src: 1, dst: 2))
        let frame = F.ethernet(type: 0x0800, Array(ip.prefix(19)))
        #expect(match(frame) == expected(dlType: 0x0800))
        // IHL says options that are not there.
        var lying = ip
        lying[0] = 0x4F
        #expect(match(F.ethernet(type: 0x0800, Array(lying.prefix(40)))) == expected(dlType: 0x0800))
    }

    @Test func offsetSliceGivesTheSameMatch() {
        let frame = F.ethernet(type: 0x0800, F.ipv4(proto: 6, F.tcp(src: 1, dst: 2)))
        let padded = [0xEE, 0xEE] + frame + [0xEE]
        #expect(Match(frame: padded[2..<(2 + frame.count)], inPort: PortNumber(7)) == match(frame))
        #expect(Self.written(padded[2..<(2 + frame.count)]) == Self.written(frame[...]))
    }

    /// `Match.writeExact` against `Match(frame:inPort:)` on frames of every kind above,
    /// each cut at every length and with random bytes flipped at the offsets the parse
    /// branches on: the same 40 bytes every time.
    @Test func writtenMatchEqualsEncodedMatchOnMutatedFrames() {
        let seeds: [[UInt8]] = [
            F.ethernet(type: 0x0800, F.ipv4(proto: 6, tos: 0x13, F.tcp(src: 49152, dst: 443))),
            F.ethernet(type: 0x0800, F.ipv4(proto: 17, options: [1, 1, 1, 0], F.udp(src: 68, dst: 67))),
            F.ethernet(type: 0x0800, F.ipv4(proto: 1, F.icmp(type: 8, code: 3))),
            F.tagged(pcp: 5, dei: true, vid: 100, type: 0x0800, F.ipv4(proto: 6, F.tcp(src: 1, dst: 2))),
            F.ethernet(type: 0x0806, F.arp(operation: 0x0102)),
            F.ethernet(type: 0x0040, [0xAA, 0xAA, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00] + F.ipv4(proto: 17, F.udp(src: 7, dst: 8))),
            F.ethernet(type: 0x88CC, [UInt8](repeating: 0x11, count: 46)),
        ]
        // The bytes the parse looks at: EtherType and tag, SNAP, IPv4 version/IHL, TOS,
        // fragment bits, protocol, and the first transport bytes.
        let hot = [12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 28, 29, 33, 34, 35, 38, 42, 43]
        var random = SystemRandomNumberGenerator()
        for seed in seeds {
            for length in 0...seed.count {
                let cut = Array(seed.prefix(length))
                #expect(Self.written(cut[...], inPort: PortNumber(3)) == Self.encoded(Match(frame: cut[...], inPort: PortNumber(3))))
            }
            for _ in 0..<300 {
                var frame = seed
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    let at = hot.randomElement(using: &random)!
                    if at < frame.count { frame[at] = [0x00, 0x01, 0x04, 0x06, 0x08, 0x11, 0x45, 0x81, 0xAA, 0xFF, UInt8.random(in: 0...255, using: &random)].randomElement(using: &random)! }
                }
                let cut = Array(frame.prefix(Int.random(in: 0...frame.count, using: &random)))
                #expect(Self.written(cut[...]) == Self.encoded(Match(frame: cut[...], inPort: PortNumber(7))), "\(cut)")
            }
        }
    }
}
