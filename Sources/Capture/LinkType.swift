/// The link-layer header type of a capture (tcpdump.org LINKTYPE_ values); an open set so
/// a file of any type can be listed even if its packets cannot be demultiplexed.
public struct LinkType: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// BSD loopback: a 4-byte address family in the capturing host's byte order.
    public static let null = LinkType(rawValue: 0)
    public static let ethernet = LinkType(rawValue: 1)
    /// Raw IP: the packet starts with an IPv4 or IPv6 header.
    public static let raw = LinkType(rawValue: 101)
    /// OpenBSD loopback: like `null`, but the family is big-endian.
    public static let loop = LinkType(rawValue: 108)
    /// Linux "cooked" capture (`tcpdump -i any`), 16-byte header.
    public static let linuxSLL = LinkType(rawValue: 113)
    /// Raw IPv4 only.
    public static let ipv4 = LinkType(rawValue: 228)
    /// Linux cooked capture v2, 20-byte header.
    public static let linuxSLL2 = LinkType(rawValue: 276)
}
