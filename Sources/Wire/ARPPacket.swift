/// A checked view of an ARP packet for IPv4 over Ethernet (28 bytes).
public struct ARPPacket {
    public static let length = 28
    public static let request: UInt16 = 1
    public static let reply: UInt16 = 2
    public let bytes: ArraySlice<UInt8>

    /// Checks the length only; `isEthernetIPv4` tells whether the address fields mean
    /// Ethernet and IPv4.
    @inlinable
    public init(_ bytes: ArraySlice<UInt8>) throws(WireError) {
        guard bytes.count >= Self.length else { throw .truncated }
        self.bytes = bytes
    }

    @inlinable public var hardwareType: UInt16 { bytes.be16(0) }
    @inlinable public var protocolType: UInt16 { bytes.be16(2) }
    @inlinable public var hardwareLength: UInt8 { bytes[bytes.startIndex + 4] }
    @inlinable public var protocolLength: UInt8 { bytes[bytes.startIndex + 5] }
    @inlinable public var operation: UInt16 { bytes.be16(6) }
    @inlinable public var senderMAC: MACAddress { MACAddress(bytes[(bytes.startIndex + 8)...]) }
    @inlinable public var senderIP: IPv4Address { IPv4Address(rawValue: bytes.be32(14)) }
    @inlinable public var targetMAC: MACAddress { MACAddress(bytes[(bytes.startIndex + 18)...]) }
    @inlinable public var targetIP: IPv4Address { IPv4Address(rawValue: bytes.be32(24)) }

    @inlinable
    public var isEthernetIPv4: Bool {
        hardwareType == 1 && protocolType == EtherType.ipv4.rawValue && hardwareLength == 6 && protocolLength == 4
    }
}
