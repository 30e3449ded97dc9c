/// The Ethernet type field; an open set, so unknown values survive.
public struct EtherType: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let ipv4 = EtherType(rawValue: 0x0800)
    public static let arp = EtherType(rawValue: 0x0806)
    public static let vlan = EtherType(rawValue: 0x8100)
    public static let ipv6 = EtherType(rawValue: 0x86DD)
    public static let lldp = EtherType(rawValue: 0x88CC)

    /// Values below 0x0600 are an 802.3 length, not a type.
    @inlinable public var isLength: Bool { rawValue < 0x0600 }
}
