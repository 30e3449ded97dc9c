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
    ///
    /// `frame` is borrowed, so building the match changes no reference count.
    @inlinable
    public init(frame: borrowing ArraySlice<UInt8>, inPort: PortNumber) {
        self.init(layout: FrameLayout(frame: frame), inPort: inPort)
    }

    /// The same, from a layout already computed by the caller. Inlinable: it is a few
    /// moves, and an opaque call here makes callers retain the frame's owner around it.
    @inlinable
    public init(layout l: FrameLayout, inPort: PortNumber) {
        // Literals rather than `.exact`, `Match.vlanNone`, ...: inlined into another
        // module, each of those is a call to a global's accessor.
        self.init(
            wildcards: Wildcards(rawValue: 0), inPort: inPort, dlSrc: l.source, dlDst: l.destination,
            dlVLAN: 0xFFFF,  // Match.vlanNone
            dlType: l.etherType?.rawValue ?? 0x05FF,  // Match.dlTypeNotEthType
            nwSrc: l.networkSource, nwDst: l.networkDestination,
            tpSrc: l.transportSource, tpDst: l.transportDestination)
        if let tci = l.vlanTCI {
            dlVLAN = tci & 0x0FFF
            dlVLANPCP = UInt8(tci >> 13)
        }
        if let proto = l.ipProtocol {
            nwProto = proto.rawValue
            nwTOS = l.tos & 0xFC
        } else if let operation = l.arpOperation {
            nwProto = UInt8(truncatingIfNeeded: operation)
        }
    }
}
