import Wire

extension Action {
    /// The action in ovs-ofctl syntax: `output:2`, a reserved port by its keyword
    /// (`FLOOD`, `LOCAL`, ...), `mod_vlan_vid:10`, `enqueue:1:2`, `vendor:0x2320:beef`.
    ///
    /// Output to the controller prints bare `CONTROLLER` for a max_len of 65535 (the
    /// whole packet, which is also what the parser gives bare `CONTROLLER`) and
    /// `CONTROLLER:N` otherwise. max_len of other ports is not printed: switches ignore it.
    public var textForm: String {
        switch self {
        case .output(let port, let maxLength):
            if port == .controller {
                return maxLength == UInt16.max ? "CONTROLLER" : "CONTROLLER:" + String(maxLength)
            }
            if let name = port.reservedName, port != .none { return name }
            return "output:" + TextFormatting.port(port)
        case .setVLANVID(let vid): return "mod_vlan_vid:" + String(vid)
        case .setVLANPCP(let pcp): return "mod_vlan_pcp:" + String(pcp)
        case .stripVLAN: return "strip_vlan"
        case .setDLSrc(let mac): return "mod_dl_src:" + mac.description
        case .setDLDst(let mac): return "mod_dl_dst:" + mac.description
        case .setNWSrc(let ip): return "mod_nw_src:" + ip.description
        case .setNWDst(let ip): return "mod_nw_dst:" + ip.description
        case .setNWTOS(let tos): return "mod_nw_tos:" + String(tos)
        case .setTPSrc(let port): return "mod_tp_src:" + String(port)
        case .setTPDst(let port): return "mod_tp_dst:" + String(port)
        case .enqueue(let port, let queueID): return "enqueue:" + TextFormatting.port(port) + ":" + String(queueID)
        case .vendor(let vendor, let body):
            let id = "vendor:" + TextFormatting.hex(vendor)
            return body.isEmpty ? id : id + ":" + TextFormatting.hexBytes(body)
        }
    }
}

extension Array where Element == Action {
    /// The actions comma-separated, or `drop` for none, as after `actions=`.
    /// `FlowSyntax.parseActions` reads it back.
    public var textForm: String {
        isEmpty ? "drop" : TextFormatting.joined(map { $0.textForm }, ",")
    }
}
