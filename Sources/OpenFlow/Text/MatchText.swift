import Wire

extension Match {
    /// The matched fields in ovs-ofctl syntax, comma-separated in a fixed order, e.g.
    /// `in_port=1,dl_type=0x0800,nw_dst=10.0.0.0/24`; `any` when every field is
    /// wildcarded. Wildcarded fields are not printed, and a partial nw_src or nw_dst
    /// prints its masked address with `/prefix`. `FlowSyntax.parseMatch` reads it back.
    public var textForm: String {
        let fields = fieldTexts
        return fields.isEmpty ? "any" : TextFormatting.joined(fields, ",")
    }

    /// One `name=value` per matched field, in `MatchField` order.
    var fieldTexts: [String] {
        var texts: [String] = []
        for field in MatchField.allCases {
            if let value = valueText(field) { texts.append(field.name + "=" + value) }
        }
        return texts
    }

    /// The value of `field` as printed, or nil when the field is wildcarded.
    private func valueText(_ field: MatchField) -> String? {
        if let flag = field.wildcard, wildcards.contains(flag) { return nil }
        switch field {
        case .inPort: return TextFormatting.port(inPort)
        case .dlVLAN: return dlVLAN == Match.vlanNone ? "0xffff" : String(dlVLAN)
        case .dlVLANPCP: return String(dlVLANPCP)
        case .dlSrc: return dlSrc.description
        case .dlDst: return dlDst.description
        case .dlType: return TextFormatting.hex(dlType, width: 4)
        case .nwTOS: return String(nwTOS)
        case .nwProto: return String(nwProto)
        case .nwSrc: return Self.prefixText(nwSrc, prefix: wildcards.nwSrcPrefix)
        case .nwDst: return Self.prefixText(nwDst, prefix: wildcards.nwDstPrefix)
        case .tpSrc: return String(tpSrc)
        case .tpDst: return String(tpDst)
        }
    }

    private static func prefixText(_ address: IPv4Address, prefix: Int) -> String? {
        guard prefix > 0 else { return nil }
        let masked = IPv4Address(rawValue: address.rawValue & IPv4Address.mask(prefix: prefix))
        return prefix == 32 ? masked.description : masked.description + "/" + String(prefix)
    }
}
