/// A checked view of an 802.1Q tag as it follows the MAC addresses: TCI then the
/// encapsulated EtherType (4 bytes; the 0x8100 TPID is the Ethernet type before it).
public struct VLANTag {
    public static let length = 4
    public let bytes: ArraySlice<UInt8>

    @inlinable
    public init(_ bytes: ArraySlice<UInt8>) throws(WireError) {
        guard bytes.count >= Self.length else { throw .truncated }
        self.bytes = bytes
    }

    /// Tag control information: PCP (3 bits), DEI (1), VID (12).
    @inlinable public var tci: UInt16 { bytes.be16(0) }
    @inlinable public var vid: UInt16 { tci & 0x0FFF }
    @inlinable public var pcp: UInt8 { UInt8(tci >> 13) }
    @inlinable public var innerEtherType: EtherType { EtherType(rawValue: bytes.be16(2)) }
    @inlinable public var payload: ArraySlice<UInt8> { bytes[(bytes.startIndex + Self.length)...] }
}
