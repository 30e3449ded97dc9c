/// A checked view of the fixed ICMP header (type, code, checksum, 4 bytes of rest).
public struct ICMPHeader {
    public static let length = 8
    public let bytes: ArraySlice<UInt8>

    @inlinable
    public init(_ bytes: ArraySlice<UInt8>) throws(WireError) {
        guard bytes.count >= Self.length else { throw .truncated }
        self.bytes = bytes
    }

    @inlinable public var type: UInt8 { bytes[bytes.startIndex] }
    @inlinable public var code: UInt8 { bytes[bytes.startIndex + 1] }
    @inlinable public var checksum: UInt16 { bytes.be16(2) }
    /// Identifier and sequence number of echo request and reply.
    @inlinable public var identifier: UInt16 { bytes.be16(4) }
    @inlinable public var sequence: UInt16 { bytes.be16(6) }
    @inlinable public var payload: ArraySlice<UInt8> { bytes[(bytes.startIndex + Self.length)...] }
}
