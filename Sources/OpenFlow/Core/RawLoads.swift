extension UnsafeRawBufferPointer {
    // Big-endian loads at a byte offset the caller has already checked against `count`:
    // one unaligned load each, for fixed-layout bodies after a single length check.

    @inlinable @inline(__always)
    func be16(_ offset: Int) -> UInt16 {
        UInt16(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inlinable @inline(__always)
    func be32(_ offset: Int) -> UInt32 {
        UInt32(bigEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
}
