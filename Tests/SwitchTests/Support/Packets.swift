import OpenFlow
import Wire

/// Ethernet frames for tests, built field by field with correct checksums, and checks
/// that recompute every checksum from scratch.
enum Packets {
    static func host(_ n: UInt8) -> MACAddress { MACAddress(0x02, 0x00, 0x5E, 0x00, 0x53, n) }
    static func ip(_ n: UInt8) -> IPv4Address { IPv4Address(10, 0, 0, n) }

    static func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
    static func be32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
    static func mac(_ value: MACAddress) -> [UInt8] { (0..<6).map { value[$0] } }

    /// Destination, source, optional 802.1Q tag, EtherType, payload.
    static func ethernet(src: MACAddress, dst: MACAddress, vlan: UInt16? = nil, type: UInt16, payload: [UInt8]) -> [UInt8] {
        var frame = mac(dst) + mac(src)
        if let vlan { frame += be16(0x8100) + be16(vlan) }
        return frame + be16(type) + payload
    }

    /// A non-IP frame with `length` bytes of filler.
    static func raw(src: MACAddress, dst: MACAddress, vlan: UInt16? = nil, length: Int = 46) -> [UInt8] {
        ethernet(src: src, dst: dst, vlan: vlan, type: 0x88B5, payload: [UInt8](repeating: 0xAB, count: length))
    }

    static func arp(src: MACAddress, srcIP: IPv4Address, dstIP: IPv4Address, operation: UInt16 = 1) -> [UInt8] {
        let body = be16(1) + be16(0x0800) + [6, 4] + be16(operation) + mac(src) + be32(srcIP.rawValue)
            + mac(.zero) + be32(dstIP.rawValue)
        return ethernet(src: src, dst: .broadcast, type: 0x0806, payload: body)
    }

    /// An IPv4 header with a valid checksum, then `payload`.
    static func ipv4(
        src: IPv4Address, dst: IPv4Address, proto: UInt8, tos: UInt8 = 0, fragment: UInt16 = 0x4000, payload: [UInt8]
    ) -> [UInt8] {
        var header = [0x45, tos] + be16(UInt16(20 + payload.count)) + be16(0x1234) + be16(fragment) + [64, proto, 0, 0]
            + be32(src.rawValue) + be32(dst.rawValue)
        let checksum = InternetChecksum.checksum(header[...])
        header[10] = UInt8(checksum >> 8)
        header[11] = UInt8(checksum & 0xFF)
        return header + payload
    }

    /// The transport checksum over the pseudo-header and `segment` (checksum field zero).
    static func transportChecksum(src: IPv4Address, dst: IPv4Address, proto: UInt8, segment: [UInt8]) -> UInt16 {
        let pseudo = InternetChecksum.pseudoHeaderSum(source: src, destination: dst, protocol: proto, length: segment.count)
        return InternetChecksum.checksum(segment[...], initial: pseudo)
    }

    static func udp(
        src: MACAddress = host(1), dst: MACAddress = host(2), vlan: UInt16? = nil,
        srcIP: IPv4Address = ip(1), dstIP: IPv4Address = ip(2), srcPort: UInt16 = 5000, dstPort: UInt16 = 53,
        tos: UInt8 = 0, payload: [UInt8] = Array("hello, datapath".utf8), withChecksum: Bool = true
    ) -> [UInt8] {
        var segment = be16(srcPort) + be16(dstPort) + be16(UInt16(8 + payload.count)) + [0, 0] + payload
        if withChecksum {
            var checksum = transportChecksum(src: srcIP, dst: dstIP, proto: 17, segment: segment)
            if checksum == 0 { checksum = 0xFFFF }
            segment[6] = UInt8(checksum >> 8)
            segment[7] = UInt8(checksum & 0xFF)
        }
        return ethernet(src: src, dst: dst, vlan: vlan, type: 0x0800, payload: ipv4(src: srcIP, dst: dstIP, proto: 17, tos: tos, payload: segment))
    }

    static func tcp(
        src: MACAddress = host(1), dst: MACAddress = host(2), vlan: UInt16? = nil,
        srcIP: IPv4Address = ip(1), dstIP: IPv4Address = ip(2), srcPort: UInt16 = 40000, dstPort: UInt16 = 80,
        tos: UInt8 = 0, payload: [UInt8] = Array("GET / HTTP/1.0\r\n\r\n".utf8)
    ) -> [UInt8] {
        var segment = be16(srcPort) + be16(dstPort) + be32(0x0102_0304) + be32(0) + [0x50, 0x18] + be16(65535)
            + [0, 0, 0, 0] + payload
        let checksum = transportChecksum(src: srcIP, dst: dstIP, proto: 6, segment: segment)
        segment[16] = UInt8(checksum >> 8)
        segment[17] = UInt8(checksum & 0xFF)
        return ethernet(src: src, dst: dst, vlan: vlan, type: 0x0800, payload: ipv4(src: srcIP, dst: dstIP, proto: 6, tos: tos, payload: segment))
    }

    static func icmpEcho(src: MACAddress = host(1), dst: MACAddress = host(2), srcIP: IPv4Address = ip(1), dstIP: IPv4Address = ip(2)) -> [UInt8] {
        var message: [UInt8] = [8, 0, 0, 0] + be16(7) + be16(1) + Array("ping".utf8)
        let checksum = InternetChecksum.checksum(message[...])
        message[2] = UInt8(checksum >> 8)
        message[3] = UInt8(checksum & 0xFF)
        return ethernet(src: src, dst: dst, type: 0x0800, payload: ipv4(src: srcIP, dst: dstIP, proto: 1, payload: message))
    }

    /// A UDP datagram's first fragment (MF set) or a later one (offset 8 bytes).
    static func udpFragment(first: Bool) -> [UInt8] {
        let segment = be16(5000) + be16(53) + be16(40) + [0, 0] + [UInt8](repeating: 1, count: 16)
        let fragment: UInt16 = first ? 0x2000 : 0x0001
        return ethernet(src: host(1), dst: host(2), type: 0x0800, payload: ipv4(src: ip(1), dst: ip(2), proto: 17, fragment: fragment, payload: segment))
    }

    // MARK: Checks

    /// True when the frame's IPv4 header checksum and TCP/UDP checksum (if any) verify
    /// when recomputed over the whole header and segment.
    static func checksumsVerify(_ frame: [UInt8]) -> Bool {
        let layout = FrameLayout(frame: frame[...])
        guard layout.etherType == .ipv4 else { return true }
        let ipStart = layout.networkOffset
        let ihl = Int(frame[ipStart] & 0x0F) * 4
        let header = frame[ipStart..<ipStart + ihl]
        guard InternetChecksum.checksum(header) == 0 else { return false }
        let total = Int(frame[ipStart + 2]) << 8 | Int(frame[ipStart + 3])
        let segment = Array(frame[(ipStart + ihl)..<(ipStart + total)])
        let src = IPv4Address(rawValue: UInt32(frame[ipStart + 12]) << 24 | UInt32(frame[ipStart + 13]) << 16 | UInt32(frame[ipStart + 14]) << 8 | UInt32(frame[ipStart + 15]))
        let dst = IPv4Address(rawValue: UInt32(frame[ipStart + 16]) << 24 | UInt32(frame[ipStart + 17]) << 16 | UInt32(frame[ipStart + 18]) << 8 | UInt32(frame[ipStart + 19]))
        let proto = frame[ipStart + 9]
        switch proto {
        case 6, 17:
            if proto == 17, segment[6] == 0, segment[7] == 0 { return true }  // no UDP checksum
            let pseudo = InternetChecksum.pseudoHeaderSum(source: src, destination: dst, protocol: proto, length: segment.count)
            return InternetChecksum.checksum(segment[...], initial: pseudo) == 0
        case 1:
            return InternetChecksum.checksum(segment[...]) == 0
        default:
            return true
        }
    }

    static func udpChecksumField(_ frame: [UInt8]) -> UInt16 {
        let layout = FrameLayout(frame: frame[...])
        let l4 = layout.transportOffset!
        return UInt16(frame[l4 + 6]) << 8 | UInt16(frame[l4 + 7])
    }
}
