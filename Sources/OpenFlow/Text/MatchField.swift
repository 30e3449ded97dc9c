import Wire

/// The twelve OpenFlow 1.0 match fields under their ovs-ofctl names, in the order the
/// printer writes them. Printer and parser share it, so the two cannot drift apart.
enum MatchField: CaseIterable {
    case inPort, dlVLAN, dlVLANPCP, dlSrc, dlDst, dlType, nwTOS, nwProto, nwSrc, nwDst, tpSrc, tpDst

    var name: String {
        switch self {
        case .inPort: "in_port"
        case .dlVLAN: "dl_vlan"
        case .dlVLANPCP: "dl_vlan_pcp"
        case .dlSrc: "dl_src"
        case .dlDst: "dl_dst"
        case .dlType: "dl_type"
        case .nwTOS: "nw_tos"
        case .nwProto: "nw_proto"
        case .nwSrc: "nw_src"
        case .nwDst: "nw_dst"
        case .tpSrc: "tp_src"
        case .tpDst: "tp_dst"
        }
    }

    init?(name: String) {
        for field in MatchField.allCases where ASCII.same(field.name, name) {
            self = field
            return
        }
        return nil
    }

    /// A bit of its own, for sets of fields.
    var bit: UInt16 {
        switch self {
        case .inPort: 1 << 0
        case .dlVLAN: 1 << 1
        case .dlVLANPCP: 1 << 2
        case .dlSrc: 1 << 3
        case .dlDst: 1 << 4
        case .dlType: 1 << 5
        case .nwTOS: 1 << 6
        case .nwProto: 1 << 7
        case .nwSrc: 1 << 8
        case .nwDst: 1 << 9
        case .tpSrc: 1 << 10
        case .tpDst: 1 << 11
        }
    }

    /// The wildcard flag of a field with one; nil for nw_src and nw_dst, which carry a
    /// bit count instead.
    var wildcard: Wildcards? {
        switch self {
        case .inPort: .inPort
        case .dlVLAN: .dlVLAN
        case .dlVLANPCP: .dlVLANPCP
        case .dlSrc: .dlSrc
        case .dlDst: .dlDst
        case .dlType: .dlType
        case .nwTOS: .nwTOS
        case .nwProto: .nwProto
        case .nwSrc, .nwDst: nil
        case .tpSrc: .tpSrc
        case .tpDst: .tpDst
        }
    }
}
