/// A checked view of an IPv4 header, options included.
public struct IPv4Header {
    public static let minimumLength = 20
    /// Byte offsets of the fields a rewriting datapath touches.
    public enum Offset {
        public static let tos = 1
        public static let checksum = 10
        public static let source = 12
        public static let destination = 16
    }
    public let bytes: ArraySlice<UInt8>

    /// Checks version 4, IHL >= 5 and that the whole header (with options) is present.
    @inlinable
    public init(_ bytes: ArraySlice<UInt8>) throws(WireError) {
        guard bytes.count >= Self.minimumLength else { throw .truncated }
        let first = bytes[bytes.startIndex]
        guard first >> 4 == 4, first & 0x0F >= 5 else { throw .badLength }
        guard bytes.count >= Int(first & 0x0F) * 4 else { throw .truncated }
        self.bytes = bytes
    }

    @inlinable public var headerLength: Int { Int(bytes[bytes.startIndex] & 0x0F) * 4 }
    @inlinable public var tos: UInt8 { bytes[bytes.startIndex + 1] }
    /// The DSCP bits in place (low two ECN bits cleared), as OpenFlow 1.0 matches `nw_tos`.
    @inlinable public var dscpBits: UInt8 { tos & 0xFC }
    @inlinable public var totalLength: UInt16 { bytes.be16(2) }
    @inlinable public var identification: UInt16 { bytes.be16(4) }
    @inlinable public var flagsAndFragmentOffset: UInt16 { bytes.be16(6) }
    @inlinable public var moreFragments: Bool { flagsAndFragmentOffset & 0x2000 != 0 }
    @inlinable public var fragmentOffset: UInt16 { flagsAndFragmentOffset & 0x1FFF }
    /// True for any fragment: more-fragments set or a non-zero offset.
    @inlinable public var isFragment: Bool { flagsAndFragmentOffset & 0x3FFF != 0 }
    @inlinable public var ttl: UInt8 { bytes[bytes.startIndex + 8] }
    @inlinable public var proto: IPProtocol { IPProtocol(rawValue: bytes[bytes.startIndex + 9]) }
    @inlinable public var checksum: UInt16 { bytes.be16(Offset.checksum) }
    @inlinable public var source: IPv4Address { IPv4Address(rawValue: bytes.be32(Offset.source)) }
    @inlinable public var destination: IPv4Address { IPv4Address(rawValue: bytes.be32(Offset.destination)) }
    /// True when the header checksum verifies.
    @inlinable
    public var checksumIsValid: Bool {
        InternetChecksum.checksum(bytes[bytes.startIndex..<bytes.startIndex + headerLength]) == 0
    }
    /// The bytes after the header, cut to `totalLength` when that is consistent.
    @inlinable
    public var payload: ArraySlice<UInt8> {
        let start = bytes.startIndex + headerLength
        let total = Int(totalLength)
        let end = total >= headerLength && total <= bytes.count ? bytes.startIndex + total : bytes.endIndex
        return bytes[start..<end]
    }
}

extension IPv4Header {
    /// The length of the IPv4 header at `offset` in `p` (options included) when it is
    /// version 4 and lies whole within `p`; nil otherwise. What a frame parser checks
    /// before reading the network fields (`FrameLayout`, `Match.writeExact`).
    @inlinable @inline(__always)
    public static func wholeLength(in p: UnsafeRawBufferPointer, at offset: Int) -> Int? {
        let available = p.count - offset
        guard available >= minimumLength else { return nil }
        let first = p[offset]
        let headerLength = Int(first & 0x0F) * 4
        guard first >> 4 == 4, headerLength >= minimumLength, available >= headerLength else { return nil }
        return headerLength
    }
}
