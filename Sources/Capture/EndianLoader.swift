/// Integer loads in the byte order a capture file declares: pcap and pcapng are written
/// in the capturing host's order and say which one through their magic numbers.
struct EndianLoader: Sendable {
    let bytes: [UInt8]
    let littleEndian: Bool

    /// The caller has checked that `offset + 2 <= bytes.count`.
    func u16(_ offset: Int) -> UInt16 {
        let a = UInt16(bytes[offset]), b = UInt16(bytes[offset + 1])
        return littleEndian ? b << 8 | a : a << 8 | b
    }

    /// The caller has checked that `offset + 4 <= bytes.count`.
    func u32(_ offset: Int) -> UInt32 {
        let a = UInt32(bytes[offset]), b = UInt32(bytes[offset + 1])
        let c = UInt32(bytes[offset + 2]), d = UInt32(bytes[offset + 3])
        return littleEndian ? d << 24 | c << 16 | b << 8 | a : a << 24 | b << 16 | c << 8 | d
    }
}

/// The first four bytes as a big-endian number, to compare against magic constants.
func bigEndianU32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
    EndianLoader(bytes: bytes, littleEndian: false).u32(offset)
}
