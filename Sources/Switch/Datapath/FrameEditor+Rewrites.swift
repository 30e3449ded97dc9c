import OpenFlow
import Wire

/// Header rewrites on the working version, with the checksums they touch kept valid by
/// RFC 1624 incremental updates. Each starts by making the version writable (a private
/// copy once it has been output), and keeps `layout` in step with the bytes.
extension FrameEditor {
    mutating func setDLSource(_ mac: MACAddress, _ input: ArraySlice<UInt8>) {
        guard layout.networkOffset >= EthernetHeader.length else { return }
        writable(input)
        withFrame { $0.setMAC(mac, at: 6) }
        layout.source = mac
    }

    mutating func setDLDestination(_ mac: MACAddress, _ input: ArraySlice<UInt8>) {
        guard layout.networkOffset >= EthernetHeader.length else { return }
        writable(input)
        withFrame { $0.setMAC(mac, at: 0) }
        layout.destination = mac
    }

    /// SET_VLAN_VID: rewrites the VID of a tagged frame, or pushes a tag with PCP 0.
    mutating func setVLANVID(_ vid: UInt16, _ input: ArraySlice<UInt8>) {
        if let tci = layout.vlanTCI {
            setTCI(tci & 0xF000 | vid & 0x0FFF, input)
        } else {
            pushTag(vid & 0x0FFF, input)
        }
    }

    /// SET_VLAN_PCP: rewrites the PCP of a tagged frame, or pushes a tag with VID 0.
    mutating func setVLANPCP(_ pcp: UInt8, _ input: ArraySlice<UInt8>) {
        let bits = UInt16(pcp & 7) << 13
        if let tci = layout.vlanTCI {
            setTCI(tci & 0x1FFF | bits, input)
        } else {
            pushTag(bits, input)
        }
    }

    /// STRIP_VLAN: removes the 802.1Q tag, if any.
    mutating func stripVLAN(_ input: ArraySlice<UInt8>) {
        guard layout.vlanTCI != nil else { return }
        splice(tag: nil, input)
        layout.vlanTCI = nil
        shift(by: -VLANTag.length)
    }

    /// SET_NW_SRC / SET_NW_DST on IPv4: the address, the header checksum, and the
    /// TCP or UDP checksum (the pseudo-header holds the address; a zero UDP checksum
    /// means none and stays zero). Other packets are left alone.
    mutating func setNWAddress(_ address: IPv4Address, source: Bool, _ input: ArraySlice<UInt8>) {
        guard hasIPv4Header else { return }
        writable(input)
        let ip = layout.networkOffset
        withFrame { p in
            let field = ip + (source ? IPv4Header.Offset.source : IPv4Header.Offset.destination)
            let old = p.u32(at: field)
            let new = address.rawValue
            guard old != new else { return }
            p.setU32(new, at: field)
            let checksum = ip + IPv4Header.Offset.checksum
            p.setU16(InternetChecksum.update(p.u16(at: checksum), old: old, new: new), at: checksum)
            if let l4 = Self.transport(p, ip: ip) {
                Self.updateTransportChecksum(p, l4) { InternetChecksum.update($0, old: old, new: new) }
            }
        }
        if source { layout.networkSource = address } else { layout.networkDestination = address }
    }

    /// SET_NW_TOS on IPv4: the DSCP bits (the ECN bits are kept) and the header checksum.
    mutating func setNWTOS(_ tos: UInt8, _ input: ArraySlice<UInt8>) {
        guard hasIPv4Header else { return }
        writable(input)
        let ip = layout.networkOffset
        var newTOS: UInt8 = 0
        withFrame { p in
            let old = p.u16(at: ip)
            newTOS = UInt8(truncatingIfNeeded: old) & 0x03 | tos & 0xFC
            let new = old & 0xFF00 | UInt16(newTOS)
            guard old != new else { return }
            p.setU16(new, at: ip)
            let checksum = ip + IPv4Header.Offset.checksum
            p.setU16(InternetChecksum.update(p.u16(at: checksum), old: old, new: new), at: checksum)
        }
        layout.tos = newTOS
    }

    /// SET_TP_SRC / SET_TP_DST on TCP and UDP (not on later fragments, which carry no
    /// ports): the port and the transport checksum.
    mutating func setTransportPort(_ port: UInt16, source: Bool, _ input: ArraySlice<UInt8>) {
        guard hasIPv4Header, layout.ipProtocol == .tcp || layout.ipProtocol == .udp else { return }
        writable(input)
        let ip = layout.networkOffset
        var changed = false
        withFrame { p in
            guard let l4 = Self.transport(p, ip: ip) else { return }
            let field = l4.header + (source ? 0 : 2)
            let old = p.u16(at: field)
            guard old != port else { return }
            p.setU16(port, at: field)
            Self.updateTransportChecksum(p, l4) { InternetChecksum.update($0, old: old, new: port) }
            changed = true
        }
        if changed {
            if source { layout.transportSource = port } else { layout.transportDestination = port }
        }
    }

    private var hasIPv4Header: Bool { layout.etherType == .ipv4 && layout.ipProtocol != nil }

    private mutating func setTCI(_ tci: UInt16, _ input: ArraySlice<UInt8>) {
        writable(input)
        withFrame { $0.setU16(tci, at: EthernetHeader.length) }
        layout.vlanTCI = tci
    }

    private mutating func pushTag(_ tci: UInt16, _ input: ArraySlice<UInt8>) {
        guard layout.networkOffset >= EthernetHeader.length else { return }
        splice(tag: tci, input)
        layout.vlanTCI = tci
        shift(by: VLANTag.length)
    }

    private mutating func shift(by delta: Int) {
        layout.networkOffset += delta
        if let offset = layout.transportOffset { layout.transportOffset = offset + delta }
    }

    /// The TCP or UDP header of an IPv4 packet that carries one (not a later fragment)
    /// whole enough to hold its checksum.
    private static func transport(_ p: UnsafeMutableRawBufferPointer, ip: Int) -> (header: Int, checksum: Int, udp: Bool)? {
        guard p.u16(at: ip + 6) & 0x1FFF == 0 else { return nil }
        let l4 = ip + Int(p[ip] & 0x0F) * 4
        switch p[ip + 9] {
        case IPProtocol.tcp.rawValue:
            guard p.count >= l4 + TCPHeader.Offset.checksum + 2 else { return nil }
            return (l4, l4 + TCPHeader.Offset.checksum, false)
        case IPProtocol.udp.rawValue:
            guard p.count >= l4 + UDPHeader.length else { return nil }
            return (l4, l4 + UDPHeader.Offset.checksum, true)
        default:
            return nil
        }
    }

    private static func updateTransportChecksum(
        _ p: UnsafeMutableRawBufferPointer, _ l4: (header: Int, checksum: Int, udp: Bool), _ update: (UInt16) -> UInt16
    ) {
        let old = p.u16(at: l4.checksum)
        if l4.udp && old == 0 { return }  // UDP without a checksum
        var new = update(old)
        if l4.udp && new == 0 { new = 0xFFFF }  // 0 would mean "no checksum"
        p.setU16(new, at: l4.checksum)
    }
}

extension UnsafeMutableRawBufferPointer {
    // Big-endian access at offsets the caller has checked against `count`.
    @inline(__always)
    fileprivate func u16(at offset: Int) -> UInt16 {
        UInt16(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always)
    fileprivate func u32(at offset: Int) -> UInt32 {
        UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    fileprivate func setU16(_ value: UInt16, at offset: Int) {
        storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt16.self)
    }

    @inline(__always)
    fileprivate func setU32(_ value: UInt32, at offset: Int) {
        storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt32.self)
    }

    fileprivate func setMAC(_ mac: MACAddress, at offset: Int) {
        setU32(UInt32(truncatingIfNeeded: mac.rawValue >> 16), at: offset)
        setU16(UInt16(truncatingIfNeeded: mac.rawValue), at: offset + 4)
    }
}
