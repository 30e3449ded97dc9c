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
    @inlinable public var etherType: EtherType { EtherType(rawValue: be16(bytes, 12)) }
    /// Everything after the 14-byte header.
    @inlinable public var payload: ArraySlice<UInt8> { bytes[(bytes.startIndex + Self.length)...] }
}

/// A big-endian 16-bit load at `offset` from the slice start; the caller checked bounds.
@inlinable
func be16(_ bytes: ArraySlice<UInt8>, _ offset: Int) -> UInt16 {
    let i = bytes.startIndex + offset
    return UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1])
}

/// A big-endian 32-bit load at `offset` from the slice start; the caller checked bounds.
@inlinable
func be32(_ bytes: ArraySlice<UInt8>, _ offset: Int) -> UInt32 {
    let i = bytes.startIndex + offset
    return UInt32(bytes[i]) << 24 | UInt32(bytes[i + 1]) << 16 | UInt32(bytes[i + 2]) << 8 | UInt32(bytes[i + 3])
}
