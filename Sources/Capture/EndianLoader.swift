import Wire

/// Integer loads in the byte order a capture file declares: pcap and pcapng are written
/// in the capturing host's order and say which one through their magic numbers.
struct EndianLoader: Sendable {
    let littleEndian: Bool

    /// The caller has checked that `offset + 2 <= bytes.count`.
    func u16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        let value = bytes[...].be16(offset)
        return littleEndian ? value.byteSwapped : value
    }

    /// The caller has checked that `offset + 4 <= bytes.count`.
    func u32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        let value = bytes[...].be32(offset)
        return littleEndian ? value.byteSwapped : value
    }
}
