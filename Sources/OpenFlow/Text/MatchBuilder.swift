import Wire

/// Builds a `Match` from flow-syntax fields one at a time, then checks the OpenFlow 1.0
/// prerequisites. Every field starts wildcarded; giving one clears its wildcard.
struct MatchBuilder {
    private(set) var match = Match()
    /// `MatchField.bit` of each field given so far, to reject duplicates.
    private var given: UInt16 = 0

    /// Applies one `key` or `key=value` (the key already lowercased). Returns false when
    /// the key is neither a match field nor a match keyword.
    mutating func apply(key: String, value: String?) throws(FlowSyntaxError) -> Bool {
        if let keyword = Self.protocolKeyword(key) {
            if let value { throw .unexpectedValue(field: key, text: value) }
            try mark(.dlType)
            match.dlType = keyword.dlType
            match.wildcards.remove(.dlType)
            if let proto = keyword.nwProto {
                try mark(.nwProto)
                match.nwProto = proto
                match.wildcards.remove(.nwProto)
            }
            return true
        }
        if ASCII.same(key, "any") {
            // The printer's word for an all-wildcard match: nothing to set.
            if let value { throw .unexpectedValue(field: key, text: value) }
            return true
        }
        guard let field = MatchField(name: key) else { return false }
        guard let value, !value.isEmpty else { throw .missingValue(field: key) }
        try mark(field)
        try set(field, value)
        if let flag = field.wildcard { match.wildcards.remove(flag) }
        return true
    }

    /// The match, once its fields' prerequisites hold: nw_src, nw_dst and nw_proto need
    /// `ip` or `arp`, nw_tos needs `ip`, and tp_src and tp_dst need `tcp`, `udp` or
    /// `icmp`. ovs-ofctl silently drops such fields for OpenFlow 1.0; a switch would
    /// ignore them too, so the flow would match more than was written. Rejecting them
    /// says so instead.
    func finish() throws(FlowSyntaxError) -> Match {
        let typed = has(.dlType)
        let ip = typed && match.dlType == EtherType.ipv4.rawValue
        let ipOrARP = ip || (typed && match.dlType == EtherType.arp.rawValue)
        for field in [MatchField.nwProto, .nwSrc, .nwDst] where has(field) && !ipOrARP {
            throw .missingPrerequisite(field: field.name, requirement: "ip or arp (dl_type=0x0800 or 0x0806)")
        }
        if has(.nwTOS), !ip {
            throw .missingPrerequisite(field: MatchField.nwTOS.name, requirement: "ip (dl_type=0x0800)")
        }
        let proto = match.nwProto
        let transport = ip && has(.nwProto)
            && (proto == IPProtocol.tcp.rawValue || proto == IPProtocol.udp.rawValue || proto == IPProtocol.icmp.rawValue)
        for field in [MatchField.tpSrc, .tpDst] where has(field) && !transport {
            throw .missingPrerequisite(field: field.name, requirement: "tcp, udp or icmp (ip with nw_proto=6, 17 or 1)")
        }
        return match.normalized
    }

    private func has(_ field: MatchField) -> Bool { given & field.bit != 0 }

    private mutating func mark(_ field: MatchField) throws(FlowSyntaxError) {
        guard !has(field) else { throw .duplicateField(field.name) }
        given |= field.bit
    }

    private mutating func set(_ field: MatchField, _ value: String) throws(FlowSyntaxError) {
        let name = field.name
        switch field {
        case .inPort:
            match.inPort = try SyntaxValue.port(value, field: name)
        case .dlVLAN:
            let vid = try SyntaxValue.number(value, field: name, max: 0xFFFF)
            guard vid <= 0x0FFF || vid == UInt64(Match.vlanNone) else {
                throw .outOfRange(field: name, text: value, allowed: "0...4095, or 0xffff for no VLAN")
            }
            match.dlVLAN = UInt16(vid)
        case .dlVLANPCP:
            match.dlVLANPCP = UInt8(try SyntaxValue.number(value, field: name, max: 7))
        case .dlSrc:
            match.dlSrc = try SyntaxValue.mac(value, field: name)
        case .dlDst:
            match.dlDst = try SyntaxValue.mac(value, field: name)
        case .dlType:
            match.dlType = UInt16(try SyntaxValue.number(value, field: name, max: 0xFFFF))
        case .nwTOS:
            let tos = try SyntaxValue.number(value, field: name, max: 0xFF)
            guard tos & 0x03 == 0 else {
                throw .outOfRange(field: name, text: value, allowed: "a multiple of 4 up to 252: the DSCP bits")
            }
            match.nwTOS = UInt8(tos)
        case .nwProto:
            match.nwProto = UInt8(try SyntaxValue.number(value, field: name, max: 0xFF))
        case .nwSrc:
            let (address, prefix) = try SyntaxValue.prefixed(value, field: name)
            // A /0 prefix matches everything: the field stays as wildcarded as untouched.
            if prefix > 0 {
                match.nwSrc = address
                match.wildcards.nwSrcWildcardBits = 32 - prefix
            }
        case .nwDst:
            let (address, prefix) = try SyntaxValue.prefixed(value, field: name)
            if prefix > 0 {
                match.nwDst = address
                match.wildcards.nwDstWildcardBits = 32 - prefix
            }
        case .tpSrc:
            match.tpSrc = UInt16(try SyntaxValue.number(value, field: name, max: 0xFFFF))
        case .tpDst:
            match.tpDst = UInt16(try SyntaxValue.number(value, field: name, max: 0xFFFF))
        }
    }

    /// ovs-ofctl's protocol shorthands: the EtherType and, for IP protocols, nw_proto.
    private static func protocolKeyword(_ key: String) -> (dlType: UInt16, nwProto: UInt8?)? {
        switch Keyword(key) {
        case "ip": (EtherType.ipv4.rawValue, nil)
        case "arp": (EtherType.arp.rawValue, nil)
        case "icmp": (EtherType.ipv4.rawValue, IPProtocol.icmp.rawValue)
        case "tcp": (EtherType.ipv4.rawValue, IPProtocol.tcp.rawValue)
        case "udp": (EtherType.ipv4.rawValue, IPProtocol.udp.rawValue)
        default: nil
        }
    }
}
