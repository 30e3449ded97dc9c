/// A checked view of a TCP header, options included.
public struct TCPHeader {
    public static let minimumLength = 20
    public enum Offset {
        public static let sourcePort = 0
        public static let destinationPort = 2
        public static let checksum = 16
    }
    /// Flag bits of the 13th and 14th bytes.
    public enum Flags {
        public static let fin: UInt16 = 0x01
        public static let syn: UInt16 = 0x02
        public static let rst: UInt16 = 0x04
        public static let psh: UInt16 = 0x08
        public static let ack: UInt16 = 0x10
        public static let urg: UInt16 = 0x20
    }
    public let bytes: ArraySlice<UInt8>

    /// Checks that the fixed header and the data offset it declares both fit.
    @inlinable
    public init(_ bytes: ArraySlice<UInt8>) throws(WireError) {
        guard bytes.count >= Self.minimumLength else { throw .truncated }
        let offsetWords = Int(bytes[bytes.startIndex + 12] >> 4)
        guard offsetWords >= 5 else { throw .badLength }
        guard bytes.count >= offsetWords * 4 else { throw .truncated }
        self.bytes = bytes
    }

    @inlinable public var sourcePort: UInt16 { bytes.be16(0) }
    @inlinable public var destinationPort: UInt16 { bytes.be16(2) }
    @inlinable public var sequenceNumber: UInt32 { bytes.be32(4) }
    @inlinable public var acknowledgmentNumber: UInt32 { bytes.be32(8) }
    @inlinable public var headerLength: Int { Int(bytes[bytes.startIndex + 12] >> 4) * 4 }
    @inlinable public var flags: UInt16 { bytes.be16(12) & 0x01FF }
    @inlinable public var window: UInt16 { bytes.be16(14) }
    @inlinable public var checksum: UInt16 { bytes.be16(Offset.checksum) }
    @inlinable public var urgentPointer: UInt16 { bytes.be16(18) }
    @inlinable public var options: ArraySlice<UInt8> { bytes[(bytes.startIndex + Self.minimumLength)..<(bytes.startIndex + headerLength)] }
    @inlinable public var payload: ArraySlice<UInt8> { bytes[(bytes.startIndex + headerLength)...] }
}
