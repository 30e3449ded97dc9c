import Wire

/// Port descriptions and the bit sets around them, for FEATURES_REPLY, PORT_STATUS and
/// PORT_MOD lines. Flag names are the spec's constants without their prefix.
enum PortText {
    /// `1(eth1):02:00:00:00:00:01`, then `,config=...` and `,state=...` when any bit is
    /// set, with no spaces so a list of ports stays easy to split.
    static func summary(_ port: PhyPort) -> String {
        var text = TextFormatting.port(port.portNumber) + "(" + TextFormatting.escaped(port.name) + "):"
            + port.hardwareAddress.description
        if !port.config.isEmpty { text += ",config=" + config(port.config) }
        if port.state.rawValue != 0 { text += ",state=" + state(port.state) }
        return text
    }

    static func config(_ config: PortConfig) -> String {
        TextFormatting.bits(config.rawValue, [
            (PortConfig.portDown.rawValue, "PORT_DOWN"), (PortConfig.noSTP.rawValue, "NO_STP"),
            (PortConfig.noRecv.rawValue, "NO_RECV"), (PortConfig.noRecvSTP.rawValue, "NO_RECV_STP"),
            (PortConfig.noFlood.rawValue, "NO_FLOOD"), (PortConfig.noFwd.rawValue, "NO_FWD"),
            (PortConfig.noPacketIn.rawValue, "NO_PACKET_IN"),
        ])
    }

    /// LINK_DOWN and the STP state; STP_LISTEN is the zero value, so it is not shown.
    static func state(_ state: PortState) -> String {
        let stp = state.rawValue & PortState.stpMask.rawValue
        let others = TextFormatting.bits(state.rawValue & ~PortState.stpMask.rawValue, [
            (PortState.linkDown.rawValue, "LINK_DOWN"),
        ])
        let stpName: String? = switch stp {
        case PortState.stpLearn.rawValue: "STP_LEARN"
        case PortState.stpForward.rawValue: "STP_FORWARD"
        case PortState.stpBlock.rawValue: "STP_BLOCK"
        default: nil
        }
        guard let stpName else { return others }
        return others == "0" ? stpName : others + "|" + stpName
    }

    static func features(_ features: PortFeatures) -> String {
        TextFormatting.bits(features.rawValue, [
            (PortFeatures.rate10MbHD.rawValue, "10MB_HD"), (PortFeatures.rate10MbFD.rawValue, "10MB_FD"),
            (PortFeatures.rate100MbHD.rawValue, "100MB_HD"), (PortFeatures.rate100MbFD.rawValue, "100MB_FD"),
            (PortFeatures.rate1GbHD.rawValue, "1GB_HD"), (PortFeatures.rate1GbFD.rawValue, "1GB_FD"),
            (PortFeatures.rate10GbFD.rawValue, "10GB_FD"), (PortFeatures.copper.rawValue, "COPPER"),
            (PortFeatures.fiber.rawValue, "FIBER"), (PortFeatures.autoNegotiation.rawValue, "AUTONEG"),
            (PortFeatures.pause.rawValue, "PAUSE"), (PortFeatures.pauseAsymmetric.rawValue, "PAUSE_ASYM"),
        ])
    }
}
