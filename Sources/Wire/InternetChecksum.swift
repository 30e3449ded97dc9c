/// The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
public enum InternetChecksum {
    /// One's-complement sum of 16-bit big-endian words, not yet folded or inverted.
    /// An odd trailing byte is padded with zero. `initial` chains partial sums, as for a
    /// pseudo-header.
    @inlinable
    public static func sum(_ bytes: ArraySlice<UInt8>, initial: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { sum(raw: $0, initial: initial) }
    }

    /// The same sum over raw memory (a frame in a device's buffer, a body handed in as a
    /// buffer), eight bytes at a time. The one's-complement sum does not depend on byte
    /// order (RFC 1071 2(B)): the memory is summed as native 64-bit words, split into
    /// 32-bit halves so that no carry is lost and the loop vectorises, folded to 16 bits,
    /// and byte-swapped back at the end. On a 64 KB segment this is what keeps TCP's
    /// receive path from being one checksum pass per byte pair.
    @inlinable
    public static func sum(raw bytes: UnsafeRawBufferPointer, initial: UInt32 = 0) -> UInt32 {
        let end = bytes.count
        guard end > 0, let base = bytes.baseAddress else { return fold(UInt64(initial)) }
        var total: UInt64 = 0
        var i = 0
        // Each addition is below 2^33: no overflow before 2^31 words (16 GB).
        while i &+ 8 <= end {
            let word = base.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            total &+= (word & 0xFFFF_FFFF) &+ (word >> 32)
            i &+= 8
        }
        // The last 1 to 7 bytes, in the same native lanes, zero-padded.
        var tail: UInt64 = 0
        withUnsafeMutableBytes(of: &tail) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[i..<end])) }
        total &+= (tail & 0xFFFF_FFFF) &+ (tail >> 32)
        let native = UInt16(truncatingIfNeeded: fold(total))
        return fold(UInt64(initial) &+ UInt64(UInt16(bigEndian: native)))
    }

    /// Folds carries into 16 bits.
    @inlinable
    public static func fold(_ value: UInt64) -> UInt32 {
        var v = value
        while v > 0xFFFF { v = (v & 0xFFFF) + (v >> 16) }
        return UInt32(v)
    }

    /// The checksum field value for `bytes` (with its checksum field zeroed or included:
    /// a correct packet then verifies to 0).
    @inlinable
    public static func checksum(_ bytes: ArraySlice<UInt8>, initial: UInt32 = 0) -> UInt16 {
        ~UInt16(truncatingIfNeeded: fold(UInt64(sum(bytes, initial: initial))))
    }

    /// RFC 1624 eqn. 3: the new checksum after one 16-bit word changes from `old` to `new`.
    @inlinable
    public static func update(_ checksum: UInt16, old: UInt16, new: UInt16) -> UInt16 {
        let sum = UInt64(~checksum) + UInt64(~old) + UInt64(new)
        return ~UInt16(truncatingIfNeeded: fold(sum))
    }

    /// The same update for a 32-bit field (an IPv4 address), word by word.
    @inlinable
    public static func update(_ checksum: UInt16, old: UInt32, new: UInt32) -> UInt16 {
        let first = update(checksum, old: UInt16(truncatingIfNeeded: old >> 16), new: UInt16(truncatingIfNeeded: new >> 16))
        return update(first, old: UInt16(truncatingIfNeeded: old), new: UInt16(truncatingIfNeeded: new))
    }

    /// The pseudo-header sum for TCP and UDP over IPv4.
    @inlinable
    public static func pseudoHeaderSum(source: IPv4Address, destination: IPv4Address, protocol proto: UInt8, length: Int) -> UInt32 {
        let total = UInt64(source.rawValue >> 16) + UInt64(source.rawValue & 0xFFFF)
            + UInt64(destination.rawValue >> 16) + UInt64(destination.rawValue & 0xFFFF)
            + UInt64(proto) + UInt64(length)
        return fold(total)
    }
}
