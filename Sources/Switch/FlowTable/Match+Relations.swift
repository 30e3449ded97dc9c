import OpenFlow
import Wire

extension Match {
    /// OFPFW_ALL: the wildcard bits OpenFlow 1.0 defines.
    static let definedWildcards: UInt32 = 0x3F_FFFF

    /// The match as the flow table keeps and reports it: wildcard bits 1.0 does not
    /// define dropped, then `normalized` (wildcarded fields zeroed, address bits past
    /// each prefix cleared), so two matches that select the same packets are equal.
    var canonical: Match {
        var m = self
        m.wildcards = Wildcards(rawValue: wildcards.rawValue & Self.definedWildcards)
        return m.normalized
    }

    /// No field wildcarded: the entry goes in the exact-match hash table, and it
    /// outranks every wildcard entry (reported at priority 0xffff, as Open vSwitch does).
    var isExact: Bool { wildcards.rawValue & Self.definedWildcards == 0 }

    /// True when every packet `other` matches, this matches too: `other` is as specific
    /// as this or more. The non-strict selection of MODIFY, DELETE and flow stats.
    func covers(_ other: Match) -> Bool {
        let w = wildcards
        let o = other.wildcards
        func field(_ flag: Wildcards, _ equal: Bool) -> Bool {
            w.contains(flag) || (!o.contains(flag) && equal)
        }
        guard field(.inPort, inPort == other.inPort), field(.dlSrc, dlSrc == other.dlSrc),
            field(.dlDst, dlDst == other.dlDst), field(.dlVLAN, dlVLAN == other.dlVLAN),
            field(.dlVLANPCP, dlVLANPCP == other.dlVLANPCP), field(.dlType, dlType == other.dlType),
            field(.nwTOS, nwTOS == other.nwTOS), field(.nwProto, nwProto == other.nwProto),
            field(.tpSrc, tpSrc == other.tpSrc), field(.tpDst, tpDst == other.tpDst)
        else { return false }
        return Self.prefixCovers(nwSrc, w.nwSrcPrefix, other.nwSrc, o.nwSrcPrefix)
            && Self.prefixCovers(nwDst, w.nwDstPrefix, other.nwDst, o.nwDstPrefix)
    }

    /// True when some packet could match both: every field is wildcarded in one of them
    /// or equal in both, and the address prefixes agree over the shorter one. The
    /// OFPFF_CHECK_OVERLAP test (between entries of the same priority).
    func overlaps(_ other: Match) -> Bool {
        let w = wildcards
        let o = other.wildcards
        func field(_ flag: Wildcards, _ equal: Bool) -> Bool {
            w.contains(flag) || o.contains(flag) || equal
        }
        guard field(.inPort, inPort == other.inPort), field(.dlSrc, dlSrc == other.dlSrc),
            field(.dlDst, dlDst == other.dlDst), field(.dlVLAN, dlVLAN == other.dlVLAN),
            field(.dlVLANPCP, dlVLANPCP == other.dlVLANPCP), field(.dlType, dlType == other.dlType),
            field(.nwTOS, nwTOS == other.nwTOS), field(.nwProto, nwProto == other.nwProto),
            field(.tpSrc, tpSrc == other.tpSrc), field(.tpDst, tpDst == other.tpDst)
        else { return false }
        let srcMask = IPv4Address.mask(prefix: min(w.nwSrcPrefix, o.nwSrcPrefix))
        let dstMask = IPv4Address.mask(prefix: min(w.nwDstPrefix, o.nwDstPrefix))
        return (nwSrc.rawValue ^ other.nwSrc.rawValue) & srcMask == 0
            && (nwDst.rawValue ^ other.nwDst.rawValue) & dstMask == 0
    }

    private static func prefixCovers(_ a: IPv4Address, _ aPrefix: Int, _ b: IPv4Address, _ bPrefix: Int) -> Bool {
        bPrefix >= aPrefix && (a.rawValue ^ b.rawValue) & IPv4Address.mask(prefix: aPrefix) == 0
    }
}
