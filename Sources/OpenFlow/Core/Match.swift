import Wire

/// `ofp_match`: the OpenFlow 1.0 12-tuple and its wildcards (40 bytes on the wire).
///
/// Values of wildcarded fields are kept as they came, so a match round-trips
/// byte for byte; `normalized` clears them when a canonical form is wanted.
public struct Match: Hashable, Sendable {
    public static let length = 40
    /// `dl_vlan` of a frame without an 802.1Q tag (OFP_VLAN_NONE).
    public static let vlanNone: UInt16 = 0xFFFF
    /// `dl_type` of an 802.3 frame without SNAP (OFP_DL_TYPE_NOT_ETH_TYPE).
    public static let dlTypeNotEthType: UInt16 = 0x05FF

    public var wildcards: Wildcards
    public var inPort: PortNumber
    public var dlSrc: MACAddress
    public var dlDst: MACAddress
    public var dlVLAN: UInt16
    public var dlVLANPCP: UInt8
    public var dlType: UInt16
    public var nwTOS: UInt8
    public var nwProto: UInt8
    public var nwSrc: IPv4Address
    public var nwDst: IPv4Address
    public var tpSrc: UInt16
    public var tpDst: UInt16

    /// A match on everything (all wildcards), the usual start for building one.
    @inlinable
    public init(
        wildcards: Wildcards = .all, inPort: PortNumber = PortNumber(0),
        dlSrc: MACAddress = .zero, dlDst: MACAddress = .zero,
        dlVLAN: UInt16 = 0, dlVLANPCP: UInt8 = 0, dlType: UInt16 = 0,
        nwTOS: UInt8 = 0, nwProto: UInt8 = 0,
        nwSrc: IPv4Address = .any, nwDst: IPv4Address = .any,
        tpSrc: UInt16 = 0, tpDst: UInt16 = 0
    ) {
        self.wildcards = wildcards
        self.inPort = inPort
        self.dlSrc = dlSrc
        self.dlDst = dlDst
        self.dlVLAN = dlVLAN
        self.dlVLANPCP = dlVLANPCP
        self.dlType = dlType
        self.nwTOS = nwTOS
        self.nwProto = nwProto
        self.nwSrc = nwSrc
        self.nwDst = nwDst
        self.tpSrc = tpSrc
        self.tpDst = tpDst
    }

    /// The same match with every wildcarded field zeroed, address bits past each prefix
    /// cleared and "any address" spelled one way, so equivalent matches compare equal.
    public var normalized: Match {
        var m = Match(wildcards: wildcards)
        let w = wildcards
        if !w.contains(.inPort) { m.inPort = inPort }
        if !w.contains(.dlSrc) { m.dlSrc = dlSrc }
        if !w.contains(.dlDst) { m.dlDst = dlDst }
        if !w.contains(.dlVLAN) { m.dlVLAN = dlVLAN }
        if !w.contains(.dlVLANPCP) { m.dlVLANPCP = dlVLANPCP }
        if !w.contains(.dlType) { m.dlType = dlType }
        if !w.contains(.nwTOS) { m.nwTOS = nwTOS }
        if !w.contains(.nwProto) { m.nwProto = nwProto }
        // 32 through 63 ignored bits all mean "any address": keep one spelling, the spec's
        // OFPFW_NW_SRC_ALL / OFPFW_NW_DST_ALL (32), which is also what Open vSwitch sends.
        m.wildcards.nwSrcWildcardBits = min(w.nwSrcWildcardBits, 32)
        m.wildcards.nwDstWildcardBits = min(w.nwDstWildcardBits, 32)
        m.nwSrc = IPv4Address(rawValue: nwSrc.rawValue & IPv4Address.mask(prefix: w.nwSrcPrefix))
        m.nwDst = IPv4Address(rawValue: nwDst.rawValue & IPv4Address.mask(prefix: w.nwDstPrefix))
        if !w.contains(.tpSrc) { m.tpSrc = tpSrc }
        if !w.contains(.tpDst) { m.tpDst = tpDst }
        return m
    }

    /// True when a packet with the exact fields `packet` (as from `init(frame:inPort:)`)
    /// satisfies this match.
    @inlinable
    public func matches(_ packet: Match) -> Bool {
        let w = wildcards
        if !w.contains(.inPort), inPort != packet.inPort { return false }
        if !w.contains(.dlSrc), dlSrc != packet.dlSrc { return false }
        if !w.contains(.dlDst), dlDst != packet.dlDst { return false }
        if !w.contains(.dlVLAN), dlVLAN != packet.dlVLAN { return false }
        if !w.contains(.dlVLANPCP), dlVLANPCP != packet.dlVLANPCP { return false }
        if !w.contains(.dlType), dlType != packet.dlType { return false }
        if !w.contains(.nwTOS), nwTOS != packet.nwTOS { return false }
        if !w.contains(.nwProto), nwProto != packet.nwProto { return false }
        let srcMask = IPv4Address.mask(prefix: w.nwSrcPrefix)
        if (nwSrc.rawValue ^ packet.nwSrc.rawValue) & srcMask != 0 { return false }
        let dstMask = IPv4Address.mask(prefix: w.nwDstPrefix)
        if (nwDst.rawValue ^ packet.nwDst.rawValue) & dstMask != 0 { return false }
        if !w.contains(.tpSrc), tpSrc != packet.tpSrc { return false }
        if !w.contains(.tpDst), tpDst != packet.tpDst { return false }
        return true
    }
}

extension Match {
    init<E: Error>(from reader: inout ByteReader<E>) throws(E) {
        wildcards = Wildcards(rawValue: try reader.u32())
        inPort = PortNumber(try reader.u16())
        dlSrc = try reader.mac()
        dlDst = try reader.mac()
        dlVLAN = try reader.u16()
        dlVLANPCP = try reader.u8()
        try reader.skip(1)
        dlType = try reader.u16()
        nwTOS = try reader.u8()
        nwProto = try reader.u8()
        try reader.skip(2)
        nwSrc = try reader.ipv4()
        nwDst = try reader.ipv4()
        tpSrc = try reader.u16()
        tpDst = try reader.u16()
    }

    func encode(into writer: inout ByteWriter) throws(WireError) {
        try writer.reserve(Self.length)
        encodeReserved(into: &writer)
    }

    /// The 40 bytes, into room the caller has reserved (one bounds check for the lot).
    @inline(__always)
    func encodeReserved(into writer: inout ByteWriter) {
        writer.uncheckedU32(wildcards.rawValue)
        writer.uncheckedU16(inPort.rawValue)
        writer.uncheckedMAC(dlSrc)
        writer.uncheckedMAC(dlDst)
        writer.uncheckedU16(dlVLAN)
        writer.uncheckedU8(dlVLANPCP)
        writer.uncheckedU8(0)
        writer.uncheckedU16(dlType)
        writer.uncheckedU8(nwTOS)
        writer.uncheckedU8(nwProto)
        writer.uncheckedU16(0)
        writer.uncheckedIPv4(nwSrc)
        writer.uncheckedIPv4(nwDst)
        writer.uncheckedU16(tpSrc)
        writer.uncheckedU16(tpDst)
    }
}
