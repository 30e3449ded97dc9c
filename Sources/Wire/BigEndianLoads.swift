// The big-endian integer loads every parser uses (header views, FrameLayout, the
// OpenFlow codec, capture files), in one place. Each reads at an offset whose bounds the
// caller has already checked, after one length check for the whole structure.

extension UnsafeRawBufferPointer {
    /// The 16-bit big-endian number at `offset`: one unaligned load.
    @inlinable @inline(__always)
    public func be16(_ offset: Int) -> UInt16 {
        UInt16(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    /// The 32-bit big-endian number at `offset`: one unaligned load.
    @inlinable @inline(__always)
    public func be32(_ offset: Int) -> UInt32 {
        UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
}

extension ArraySlice<UInt8> {
    /// The 16-bit big-endian number at `offset` from `startIndex`.
    @inlinable
    public func be16(_ offset: Int) -> UInt16 {
        let i = startIndex + offset
        return UInt16(self[i]) << 8 | UInt16(self[i + 1])
    }

    /// The 32-bit big-endian number at `offset` from `startIndex`.
    @inlinable
    public func be32(_ offset: Int) -> UInt32 {
        let i = startIndex + offset
        return UInt32(self[i]) << 24 | UInt32(self[i + 1]) << 16 | UInt32(self[i + 2]) << 8 | UInt32(self[i + 3])
    }
}
