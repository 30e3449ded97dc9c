/// A checked view of an Ethernet II header (14 bytes, no FCS).
public struct EthernetHeader {
    public static let length = 14
    public let bytes: ArraySlice<UInt8>

    /// Checks that `bytes` holds a whole header; the accessors cannot then fail.
    @inlinable
    public init(_ bytes: ArraySlice<UInt8>) throws(WireError) {
        guard bytes.count >= Self.length else { throw .truncated }
        self.bytes = bytes
    }

    @inlinable public var destination: MACAddress { MACAddress(bytes[bytes.startIndex...]) }
    @inlinable public var source: MACAddress { MACAddress(bytes[(bytes.startIndex + 6)...]) }
    @inlinable public var etherType: EtherType { EtherType(rawValue: bytes.be16(12)) }
    /// Everything after the 14-byte header.
    @inlinable public var payload: ArraySlice<UInt8> { bytes[(bytes.startIndex + Self.length)...] }
}
