/// A checked view of a UDP header (8 bytes).
public struct UDPHeader {
    public static let length = 8
    public enum Offset {
        public static let sourcePort = 0
        public static let destinationPort = 2
        public static let checksum = 6
    }
    public let bytes: ArraySlice<UInt8>

    @inlinable
    public init(_ bytes: ArraySlice<UInt8>) throws(WireError) {
        guard bytes.count >= Self.length else { throw .truncated }
        self.bytes = bytes
    }

    @inlinable public var sourcePort: UInt16 { bytes.be16(0) }
    @inlinable public var destinationPort: UInt16 { bytes.be16(2) }
    @inlinable public var length: UInt16 { bytes.be16(4) }
    @inlinable public var checksum: UInt16 { bytes.be16(Offset.checksum) }
    @inlinable public var payload: ArraySlice<UInt8> { bytes[(bytes.startIndex + Self.length)...] }
}
