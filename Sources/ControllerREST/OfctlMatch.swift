import OpenFlow
import Wire

/// An OpenFlow 1.0 match as ofctl_rest's JSON object (`ofctl_v1_0.to_match` and
/// `match_to_str`): only the fields that are matched appear, nw_src and nw_dst as
/// "10.0.0.0/24" when masked. Unlike Ryu, an unknown field is refused, not ignored.
public enum OfctlMatch {
    public static func parse(_ value: Any?, field: String = "match") throws(RESTError) -> Match {
        guard let value else { return Match() }
        let object = try JSONFields.object(value, field: field)
        var match = Match()
        for (key, value) in object {
            let name = field + "." + key
            switch key {
            case "in_port":
                match.inPort = try OfctlPort.parse(value, field: name)
                match.wildcards.remove(.inPort)
            case "dl_src":
                match.dlSrc = try JSONFields.mac(value, field: name)
                match.wildcards.remove(.dlSrc)
            case "dl_dst":
                match.dlDst = try JSONFields.mac(value, field: name)
                match.wildcards.remove(.dlDst)
            case "dl_vlan":
                match.dlVLAN = try JSONFields.integer(value, field: name)
                match.wildcards.remove(.dlVLAN)
            case "dl_vlan_pcp":
                match.dlVLANPCP = try JSONFields.integer(value, field: name)
                match.wildcards.remove(.dlVLANPCP)
            case "dl_type":
                match.dlType = try JSONFields.integer(value, field: name)
                match.wildcards.remove(.dlType)
            case "nw_tos":
                match.nwTOS = try JSONFields.integer(value, field: name)
                match.wildcards.remove(.nwTOS)
            case "nw_proto":
                match.nwProto = try JSONFields.integer(value, field: name)
                match.wildcards.remove(.nwProto)
            case "nw_src":
                let (address, prefix) = try prefixed(value, field: name)
                match.nwSrc = address
                match.wildcards.nwSrcWildcardBits = 32 - prefix
            case "nw_dst":
                let (address, prefix) = try prefixed(value, field: name)
                match.nwDst = address
                match.wildcards.nwDstWildcardBits = 32 - prefix
            case "tp_src":
                match.tpSrc = try JSONFields.integer(value, field: name)
                match.wildcards.remove(.tpSrc)
            case "tp_dst":
                match.tpDst = try JSONFields.integer(value, field: name)
                match.wildcards.remove(.tpDst)
            default:
                throw .badRequest("\(name): unknown match field")
            }
        }
        return match
    }

    public static func json(_ match: Match) -> [String: Any] {
        let w = match.wildcards
        var object: [String: Any] = [:]
        if !w.contains(.inPort) { object["in_port"] = OfctlPort.json(match.inPort) }
        if !w.contains(.dlSrc) { object["dl_src"] = match.dlSrc.description }
        if !w.contains(.dlDst) { object["dl_dst"] = match.dlDst.description }
        if !w.contains(.dlVLAN) { object["dl_vlan"] = Int(match.dlVLAN) }
        if !w.contains(.dlVLANPCP) { object["dl_vlan_pcp"] = Int(match.dlVLANPCP) }
        if !w.contains(.dlType) { object["dl_type"] = Int(match.dlType) }
        if !w.contains(.nwTOS) { object["nw_tos"] = Int(match.nwTOS) }
        if !w.contains(.nwProto) { object["nw_proto"] = Int(match.nwProto) }
        if w.nwSrcWildcardBits < 32 { object["nw_src"] = prefixed(match.nwSrc, w.nwSrcPrefix) }
        if w.nwDstWildcardBits < 32 { object["nw_dst"] = prefixed(match.nwDst, w.nwDstPrefix) }
        if !w.contains(.tpSrc) { object["tp_src"] = Int(match.tpSrc) }
        if !w.contains(.tpDst) { object["tp_dst"] = Int(match.tpDst) }
        return object
    }

    /// "10.0.0.1" (a /32) or "10.0.0.0/24"; the prefix runs from 1 to 32, as in Ryu.
    private static func prefixed(_ value: Any?, field: String) throws(RESTError) -> (IPv4Address, Int) {
        let text = try JSONFields.string(value, field: field)
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPv4Address(parts[0]) else {
            throw .badRequest("\(field): expected an IPv4 address or prefix like 10.0.0.0/24")
        }
        guard parts.count == 2 else { return (address, 32) }
        guard let prefix = Int(parts[1]), prefix >= 1, prefix <= 32 else {
            throw .badRequest("\(field): the prefix length must be from 1 to 32")
        }
        return (address, prefix)
    }

    private static func prefixed(_ address: IPv4Address, _ prefix: Int) -> String {
        prefix == 32 ? address.description : address.description + "/" + String(prefix)
    }
}
