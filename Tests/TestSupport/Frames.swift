import Wire

/// Frames built by hand, field by field, for the match-extraction tests.
public enum Frames {
    public static let hostA = MACAddress(0x00, 0x00, 0x5E, 0x00, 0x53, 0x01)
    public static let hostB = MACAddress(0x00, 0x00, 0x5E, 0x00, 0x53, 0x02)
    public static let ipA = IPv4Address(192, 0, 2, 1)
    public static let ipB = IPv4Address(198, 51, 100, 7)

    public static func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
    public static func be32(_ value: UInt32) -> [UInt8] { [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
    public static func mac(_ value: MACAddress) -> [UInt8] { (0..<6).map { value[$0] } }

    /// Ethernet II (or 802.3 when `type` < 0x600).
    public static func ethernet(dst: MACAddress = hostB, src: MACAddress = hostA, type: UInt16, _ payload: [UInt8]) -> [UInt8] {
        mac(dst) + mac(src) + be16(type) + payload
    }

    /// An 802.1Q-tagged frame.
    public static func tagged(
        dst: MACAddress = hostB, src: MACAddress = hostA, pcp: UInt8, dei: Bool = false, vid: UInt16,
        type: UInt16, _ payload: [UInt8]
    ) -> [UInt8] {
        let tci = UInt16(pcp) << 13 | (dei ? 0x1000 : 0) | vid
        return mac(dst) + mac(src) + be16(0x8100) + be16(tci) + be16(type) + payload
    }

    /// An IPv4 header (with options, IHL from their length) and payload; valid checksum.
    public static func ipv4(
        proto: UInt8, src: IPv4Address = ipA, dst: IPv4Address = ipB, tos: UInt8 = 0,
        flagsAndOffset: UInt16 = 0x4000, options: [UInt8] = [], _ payload: [UInt8]
    ) -> [UInt8] {
        precondition(options.count % 4 == 0)
        let ihl = UInt8(5 + options.count / 4)
        var header = [0x40 | ihl, tos] + be16(UInt16(20 + options.count + payload.count))
            + be16(0x1234) + be16(flagsAndOffset) + [64, proto] + [0, 0]
            + be32(src.rawValue) + be32(dst.rawValue) + options
        var sum: UInt32 = 0
        for i in stride(from: 0, to: header.count, by: 2) { sum += UInt32(header[i]) << 8 | UInt32(header[i + 1]) }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        let checksum = ~UInt16(sum)
        header[10] = UInt8(checksum >> 8)
        header[11] = UInt8(checksum & 0xFF)
        return header + payload
    }

    /// A 20-byte TCP header (SYN), checksum left zero.
    public static func tcp(src: UInt16, dst: UInt16) -> [UInt8] {
        be16(src) + be16(dst) + be32(1) + be32(0) + [0x50, 0x02] + be16(65535) + [0, 0, 0, 0]
    }

    public static func udp(src: UInt16, dst: UInt16, _ payload: [UInt8] = []) -> [UInt8] {
        be16(src) + be16(dst) + be16(UInt16(8 + payload.count)) + [0, 0] + payload
    }

    public static func icmp(type: UInt8, code: UInt8) -> [UInt8] { [type, code, 0, 0, 0, 1, 0, 1] }

    /// An Ethernet/IPv4 ARP packet (28 bytes).
    public static func arp(
        operation: UInt16, senderMAC: MACAddress = hostA, senderIP: IPv4Address = ipA,
        targetMAC: MACAddress = .zero, targetIP: IPv4Address = ipB, hardwareType: UInt16 = 1
    ) -> [UInt8] {
        be16(hardwareType) + be16(0x0800) + [6, 4] + be16(operation)
            + mac(senderMAC) + be32(senderIP.rawValue) + mac(targetMAC) + be32(targetIP.rawValue)
    }
}
