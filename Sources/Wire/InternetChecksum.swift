/// The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
public enum InternetChecksum {
    /// One's-complement sum of 16-bit big-endian words, not yet folded or inverted.
    /// An odd trailing byte is padded with zero. `initial` chains partial sums, as for a
    /// pseudo-header.
    @inlinable
    public static func sum(_ bytes: ArraySlice<UInt8>, initial: UInt32 = 0) -> UInt32 {
        var total = UInt64(initial)
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i + 1 < end {
            total += UInt64(bytes[i]) << 8 | UInt64(bytes[i + 1])
            i += 2
        }
        if i < end { total += UInt64(bytes[i]) << 8 }
        return fold(total)
    }

    /// The same sum over raw memory (a frame in a device's buffer, a body handed in as a
    /// buffer), four bytes at a time: a sum of 32-bit big-endian words folds to the
    /// same one's-complement sum as the 16-bit words.
    @inlinable
    public static func sum(raw bytes: UnsafeRawBufferPointer, initial: UInt32 = 0) -> UInt32 {
        var total = UInt64(initial)
        var i = 0
        let end = bytes.count
        while i &+ 4 <= end {
            total &+= UInt64(UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt32.self)))
            i &+= 4
        }
        if i &+ 2 <= end {
            total &+= UInt64(bytes[i]) << 8 | UInt64(bytes[i &+ 1])
            i &+= 2
        }
        if i < end { total &+= UInt64(bytes[i]) << 8 }
        return fold(total)
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
