import Wire

/// Ethernet frames for packet_ins, built field by field.
enum Frames {
    static func host(_ n: UInt8) -> MACAddress { MACAddress(0x00, 0x00, 0x5E, 0x00, 0x53, n) }
    static func ip(_ n: UInt8) -> IPv4Address { IPv4Address(10, 0, 0, n) }

    static func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
    static func be32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
    static func mac(_ value: MACAddress) -> [UInt8] { (0..<6).map { value[$0] } }

    /// An Ethernet frame with `payload` bytes of filler after the EtherType.
    static func ethernet(src: MACAddress, dst: MACAddress, type: UInt16 = 0x88B5, payload: Int = 46) -> [UInt8] {
        mac(dst) + mac(src) + be16(type) + [UInt8](repeating: 0xAB, count: payload)
    }

    /// Ethernet + IPv4 (checksum left zero) + a TCP SYN header.
    static func tcp(
        src: MACAddress, dst: MACAddress, srcIP: IPv4Address, dstIP: IPv4Address, srcPort: UInt16 = 40000, dstPort: UInt16
    ) -> [UInt8] {
        let tcp = be16(srcPort) + be16(dstPort) + be32(1) + be32(0) + [0x50, 0x02] + be16(65535) + [0, 0, 0, 0]
        let ip = [0x45, 0] + be16(UInt16(20 + tcp.count)) + be16(1) + be16(0x4000) + [64, 6, 0, 0]
            + be32(srcIP.rawValue) + be32(dstIP.rawValue)
        return mac(dst) + mac(src) + be16(0x0800) + ip + tcp
    }
}
