import Wire

/// Checksum pieces the stack's writers share (the sum over raw memory is Wire's).
extension InternetChecksum {
    /// The 16-bit words of a big-endian 64-bit value, summed.
    static func sum(word64 value: UInt64, initial: UInt32 = 0) -> UInt32 {
        fold(UInt64(initial) &+ (value >> 48) &+ (value >> 32 & 0xFFFF) &+ (value >> 16 & 0xFFFF) &+ (value & 0xFFFF))
    }

    /// The field value for a folded sum: inverted, and 0xFFFF for zero where 0 means "none" (UDP).
    static func finish(_ sum: UInt32) -> UInt16 { ~UInt16(truncatingIfNeeded: fold(UInt64(sum))) }
}
