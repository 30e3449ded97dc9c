import Wire

/// The RFC 1071 sum over raw memory, for bodies handed in as buffers rather than slices
/// (Wire's `InternetChecksum.sum` reads an `ArraySlice`).
extension InternetChecksum {
    static func sum(raw bytes: UnsafeRawBufferPointer, initial: UInt32 = 0) -> UInt32 {
        var total = UInt64(initial)
        var i = 0
        let end = bytes.count
        while i &+ 1 < end {
            total &+= UInt64(bytes[i]) << 8 | UInt64(bytes[i &+ 1])
            i &+= 2
        }
        if i < end { total &+= UInt64(bytes[i]) << 8 }
        return fold(total)
    }

    /// The 16-bit words of a big-endian 64-bit value, summed.
    static func sum(word64 value: UInt64, initial: UInt32 = 0) -> UInt32 {
        fold(UInt64(initial) &+ (value >> 48) &+ (value >> 32 & 0xFFFF) &+ (value >> 16 & 0xFFFF) &+ (value & 0xFFFF))
    }

    /// The field value for a folded sum: inverted, and 0xFFFF for zero where 0 means "none" (UDP).
    static func finish(_ sum: UInt32) -> UInt16 { ~UInt16(truncatingIfNeeded: fold(UInt64(sum))) }
}
