import OpenFlow
import Wire

/// The OpenFlow 1.0 12-tuple packed into five words, so an exact lookup hashes and
/// compares a few integers, and a wildcard lookup masks a packet with five ANDs.
///
/// - `w0`: dl_src << 16 | in_port
/// - `w1`: dl_dst << 16 | dl_type
/// - `w2`: nw_src << 32 | nw_dst
/// - `w3`: tp_src << 48 | tp_dst << 32 | dl_vlan << 16 | nw_tos << 8 | nw_proto
/// - `w4`: dl_vlan_pcp
///
/// Every field keeps all its bits, so two matches with the same key are the same match.
struct FlowKey: Equatable {
    var w0: UInt64
    var w1: UInt64
    var w2: UInt64
    var w3: UInt64
    var w4: UInt64

    @inline(__always)
    init(w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64, w4: UInt64) {
        self.w0 = w0
        self.w1 = w1
        self.w2 = w2
        self.w3 = w3
        self.w4 = w4
    }

    /// The fields of `match`, whatever its wildcards say.
    @inline(__always)
    init(_ match: Match) {
        w0 = match.dlSrc.rawValue << 16 | UInt64(match.inPort.rawValue)
        w1 = match.dlDst.rawValue << 16 | UInt64(match.dlType)
        w2 = UInt64(match.nwSrc.rawValue) << 32 | UInt64(match.nwDst.rawValue)
        w3 = UInt64(match.tpSrc) << 48 | UInt64(match.tpDst) << 32 | UInt64(match.dlVLAN) << 16
            | UInt64(match.nwTOS) << 8 | UInt64(match.nwProto)
        w4 = UInt64(match.dlVLANPCP)
    }

    /// The exact key of a received frame, straight from its layout: the same fields, by
    /// the same OpenFlow 1.0 rules, as `Match(layout:inPort:)` (untagged: dl_vlan 0xffff;
    /// no EtherType: dl_type 0x05ff; nw_tos the DSCP bits; ARP: the opcode's low byte in
    /// nw_proto), without building the match first. A test keeps the two in step.
    @inline(__always)
    init(layout l: borrowing FrameLayout, inPort: PortNumber) {
        var vlan: UInt64 = 0xFFFF
        var pcp: UInt64 = 0
        if let tci = l.vlanTCI {
            vlan = UInt64(tci & 0x0FFF)
            pcp = UInt64(tci >> 13)
        }
        var proto: UInt64 = 0
        var tos: UInt64 = 0
        if let ipProtocol = l.ipProtocol {
            proto = UInt64(ipProtocol.rawValue)
            tos = UInt64(l.tos & 0xFC)
        } else if let operation = l.arpOperation {
            proto = UInt64(operation & 0xFF)
        }
        w0 = l.source.rawValue << 16 | UInt64(inPort.rawValue)
        w1 = l.destination.rawValue << 16 | UInt64(l.etherType?.rawValue ?? 0x05FF)
        w2 = UInt64(l.networkSource.rawValue) << 32 | UInt64(l.networkDestination.rawValue)
        w3 = UInt64(l.transportSource) << 48 | UInt64(l.transportDestination) << 32 | vlan << 16 | tos << 8 | proto
        w4 = pcp
    }

    /// The bits a match with `wildcards` compares: ones where a field is matched.
    init(maskFor wildcards: Wildcards) {
        let w = wildcards
        func bits(_ flag: Wildcards, _ mask: UInt64) -> UInt64 { w.contains(flag) ? 0 : mask }
        w0 = bits(.dlSrc, 0xFFFF_FFFF_FFFF << 16) | bits(.inPort, 0xFFFF)
        w1 = bits(.dlDst, 0xFFFF_FFFF_FFFF << 16) | bits(.dlType, 0xFFFF)
        w2 = UInt64(IPv4Address.mask(prefix: w.nwSrcPrefix)) << 32 | UInt64(IPv4Address.mask(prefix: w.nwDstPrefix))
        w3 = bits(.tpSrc, 0xFFFF << 48) | bits(.tpDst, 0xFFFF << 32) | bits(.dlVLAN, 0xFFFF << 16)
            | bits(.nwTOS, 0xFF << 8) | bits(.nwProto, 0xFF)
        w4 = bits(.dlVLANPCP, 0xFF)
    }

    @inline(__always)
    func masked(by mask: FlowKey) -> FlowKey {
        FlowKey(w0: w0 & mask.w0, w1: w1 & mask.w1, w2: w2 & mask.w2, w3: w3 & mask.w3, w4: w4 & mask.w4)
    }

    /// True when this mask compares every bit `other` compares (and maybe more).
    @inline(__always)
    func includes(_ other: FlowKey) -> Bool {
        (other.w0 & ~w0) | (other.w1 & ~w1) | (other.w2 & ~w2) | (other.w3 & ~w3) | (other.w4 & ~w4) == 0
    }

    /// A 64-bit hash. Each word is mixed with its own secret (`HashSeeds`) before its
    /// multiply, so a peer who chooses addresses cannot aim collisions without the
    /// seed; the four multiplies are independent (they run in parallel), then one
    /// round mixes the lanes.
    @inline(__always)
    func hash(_ seeds: HashSeeds) -> UInt64 {
        let a = (w0 ^ seeds.s0) &* 0x9E37_79B9_7F4A_7C15
        let b = (w1 ^ seeds.s1) &* 0xBF58_476D_1CE4_E5B9
        let c = (w2 ^ seeds.s2) &* 0x94D0_49BB_1331_11EB
        let d = (w3 ^ w4 << 40 ^ seeds.s3) &* 0x8EBC_6AF0_9C88_C6E3
        var h = a ^ (b << 23 | b >> 41) ^ c ^ (d << 41 | d >> 23)
        h = (h ^ h >> 32) &* 0x9E37_79B9_7F4A_7C15
        return h ^ h >> 29
    }
}

/// Four secrets derived from one seed, one per hashed word.
struct HashSeeds {
    let s0, s1, s2, s3: UInt64

    init(_ seed: UInt64) {
        // SplitMix64 steps: distinct, well-mixed values from any seed.
        func mix(_ x: UInt64) -> UInt64 {
            var z = x &+ 0x9E37_79B9_7F4A_7C15
            z = (z ^ z >> 30) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ z >> 27) &* 0x94D0_49BB_1331_11EB
            return z ^ z >> 31
        }
        s0 = mix(seed)
        s1 = mix(s0)
        s2 = mix(s1)
        s3 = mix(s2)
    }
}
