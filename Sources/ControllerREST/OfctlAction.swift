import OpenFlow

/// OpenFlow 1.0 actions as ofctl_rest reads them (`{"type": "OUTPUT", "port": 2}`) and
/// writes them in flow stats (`"OUTPUT:2"`), after `ofctl_v1_0.to_actions` and
/// `actions_to_str`. Unlike Ryu, an unknown type is refused, not ignored.
public enum OfctlAction {
    /// Ryu's max_len for OUTPUT when none is given (OFPCML_MAX of later versions).
    static let defaultMaxLength: UInt16 = 0xFFE5

    public static func parse(_ value: Any?, field: String = "actions") throws(RESTError) -> [Action] {
        guard let value else { return [] }
        let list = try JSONFields.array(value, field: field)
        var actions: [Action] = []
        for (index, element) in list.enumerated() {
            let name = field + "[" + String(index) + "]"
            actions.append(try parseOne(try JSONFields.object(element, field: name), field: name))
        }
        return actions
    }

    private static func parseOne(_ object: [String: Any], field: String) throws(RESTError) -> Action {
        let type = try JSONFields.string(object["type"], field: field + ".type")
        func integer<T: FixedWidthInteger>(_ key: String, default value: T) throws(RESTError) -> T {
            guard let raw = object[key] else { return value }
            return try JSONFields.integer(raw, field: field + "." + key)
        }
        func port() throws(RESTError) -> PortNumber {
            guard let raw = object["port"] else { return .none }
            return try OfctlPort.parse(raw, field: field + ".port")
        }
        switch type {
        case "OUTPUT": return .output(port: try port(), maxLength: try integer("max_len", default: defaultMaxLength))
        case "SET_VLAN_VID": return .setVLANVID(try integer("vlan_vid", default: 0xFFFF))
        case "SET_VLAN_PCP": return .setVLANPCP(try integer("vlan_pcp", default: 0))
        case "STRIP_VLAN": return .stripVLAN
        case "SET_DL_SRC": return .setDLSrc(try JSONFields.mac(object["dl_src"], field: field + ".dl_src"))
        case "SET_DL_DST": return .setDLDst(try JSONFields.mac(object["dl_dst"], field: field + ".dl_dst"))
        case "SET_NW_SRC": return .setNWSrc(try JSONFields.ipv4(object["nw_src"], field: field + ".nw_src"))
        case "SET_NW_DST": return .setNWDst(try JSONFields.ipv4(object["nw_dst"], field: field + ".nw_dst"))
        case "SET_NW_TOS": return .setNWTOS(try integer("nw_tos", default: 0))
        case "SET_TP_SRC": return .setTPSrc(try integer("tp_src", default: 0))
        case "SET_TP_DST": return .setTPDst(try integer("tp_dst", default: 0))
        case "ENQUEUE": return .enqueue(port: try port(), queueID: try integer("queue_id", default: 0))
        default: throw .badRequest("\(field).type: unknown action type '\(type)'")
        }
    }

    public static func text(_ action: Action) -> String {
        switch action {
        case .output(let port, _): "OUTPUT:" + String(describing: OfctlPort.json(port))
        case .setVLANVID(let vid): "SET_VLAN_VID:" + String(vid)
        case .setVLANPCP(let pcp): "SET_VLAN_PCP:" + String(pcp)
        case .stripVLAN: "STRIP_VLAN"
        case .setDLSrc(let mac): "SET_DL_SRC:" + mac.description
        case .setDLDst(let mac): "SET_DL_DST:" + mac.description
        case .setNWSrc(let address): "SET_NW_SRC:" + address.description
        case .setNWDst(let address): "SET_NW_DST:" + address.description
        case .setNWTOS(let tos): "SET_NW_TOS:" + String(tos)
        case .setTPSrc(let port): "SET_TP_SRC:" + String(port)
        case .setTPDst(let port): "SET_TP_DST:" + String(port)
        case .enqueue(let port, let queue): "ENQUEUE:" + String(describing: OfctlPort.json(port)) + ":" + String(queue)
        case .vendor: "VENDOR"
        }
    }
}
