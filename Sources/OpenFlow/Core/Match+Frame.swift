import Wire

extension Match {
    /// The exact match of a received frame, by the OpenFlow 1.0 rules:
    /// - an untagged frame has `dl_vlan` 0xffff (OFP_VLAN_NONE) and PCP 0;
    /// - an 802.3 frame without SNAP has `dl_type` 0x05ff;
    /// - ARP puts the low 8 bits of its opcode in `nw_proto` and its sender and target
    ///   IPv4 addresses in `nw_src` and `nw_dst`;
    /// - `nw_tos` holds the DSCP bits (the low two bits cleared);
    /// - ICMP type and code go in `tp_src` and `tp_dst`;
    /// - an IP fragment leaves `tp_src` and `tp_dst` zero.
    /// Every wildcard bit is clear.
    public init(frame: ArraySlice<UInt8>, inPort: PortNumber) {
        self.init(layout: FrameLayout(frame: frame), inPort: inPort)
    }

    /// The same, from a layout already computed by the caller.
    public init(layout l: FrameLayout, inPort: PortNumber) {
        self.init(wildcards: .exact, inPort: inPort, dlSrc: l.source, dlDst: l.destination)
        if let tci = l.vlanTCI {
            dlVLAN = tci & 0x0FFF
            dlVLANPCP = UInt8(tci >> 13)
        } else {
            dlVLAN = Match.vlanNone
        }
        dlType = l.etherType?.rawValue ?? Match.dlTypeNotEthType
        if let proto = l.ipProtocol {
            nwProto = proto.rawValue
            nwTOS = l.tos & 0xFC
        } else if let operation = l.arpOperation {
            nwProto = UInt8(truncatingIfNeeded: operation)
        }
        nwSrc = l.networkSource
        nwDst = l.networkDestination
        tpSrc = l.transportSource
        tpDst = l.transportDestination
    }
}
