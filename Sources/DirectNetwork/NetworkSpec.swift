import Wire

/// Where the direct deployment's frames go: `--net tap:NAME`, `--net af-packet:IFACE`
/// or `--net pcap:IFACE`.
public enum NetworkSpec: Equatable, Sendable {
    /// A tap device (attached to, or created and brought up).
    case tap(String)
    /// An existing interface through a packet socket.
    case afPacket(String)
    /// An existing interface through libpcap.
    case pcap(String)

    public init?(parsing text: String) {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let name = String(text[text.index(after: colon)...])
        guard !name.isEmpty, name.utf8.count < 16, !name.contains("/") else { return nil }
        switch text[..<colon] {
        case "tap": self = .tap(name)
        case "af-packet": self = .afPacket(name)
        case "pcap": self = .pcap(name)
        default: return nil
        }
    }

    public var interfaceName: String {
        switch self {
        case .tap(let name), .afPacket(let name), .pcap(let name): name
        }
    }

    public var description: String {
        switch self {
        case .tap(let name): "tap:" + name
        case .afPacket(let name): "af-packet:" + name
        case .pcap(let name): "pcap:" + name
        }
    }

    /// What `--net` takes, for help and error texts.
    public static let syntax = "tap:NAME, af-packet:IFACE or pcap:IFACE"
}

/// An address with its prefix length: `--ip 10.0.0.2/24`.
public struct InterfaceAddress: Equatable, Sendable {
    public var address: IPv4Address
    public var prefixLength: Int

    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPv4Address(parts[0]), address != .any,
            let prefix = Int(parts[1]), (1...32).contains(prefix)
        else { return nil }
        self.address = address
        prefixLength = prefix
    }
}

extension MACAddress {
    /// A locally administered unicast address from `seed`: our stack's own, distinct from
    /// the kernel side of a tap.
    public static func locallyAdministered(seed: UInt64) -> MACAddress {
        MACAddress(rawValue: (seed & 0x0000_FFFF_FFFF_FFFF & ~0x0100_0000_0000) | 0x0200_0000_0000)
    }
}
