/// A big-endian cursor over a caller-owned, fixed-size buffer.
///
/// Writing past the end throws `WireError.bufferTooSmall` and leaves the writer where it
/// was before that write. Callers that know a message's size check once with `reserve`.
public struct ByteWriter {
    public let buffer: UnsafeMutableRawBufferPointer
    /// Bytes written so far.
    @inlinable public var offset: Int { cursor }
    @usableFromInline var cursor: Int

    @inlinable
    public init(_ buffer: UnsafeMutableRawBufferPointer, offset: Int = 0) {
        // A negative offset would let the unchecked stores below write before the buffer.
        precondition(offset >= 0, "negative ByteWriter offset")
        self.buffer = buffer
        self.cursor = offset
    }

    @inlinable public var remaining: Int { buffer.count - offset }

    @inlinable
    public func reserve(_ count: Int) throws(WireError) {
        guard count >= 0, remaining >= count else { throw .bufferTooSmall }
    }

    @inlinable
    public mutating func u8(_ value: UInt8) throws(WireError) {
        try reserve(1)
        uncheckedU8(value)
    }

    @inlinable
    public mutating func u16(_ value: UInt16) throws(WireError) {
        try reserve(2)
        uncheckedU16(value)
    }

    @inlinable
    public mutating func u32(_ value: UInt32) throws(WireError) {
        try reserve(4)
        uncheckedU32(value)
    }

    @inlinable
    public mutating func u64(_ value: UInt64) throws(WireError) {
        try reserve(8)
        uncheckedU64(value)
    }

    @inlinable
    public mutating func mac(_ value: MACAddress) throws(WireError) {
        try reserve(6)
        uncheckedMAC(value)
    }

    @inlinable
    public mutating func ipv4(_ value: IPv4Address) throws(WireError) {
        try u32(value.rawValue)
    }

    @inlinable
    public mutating func bytes(_ value: ArraySlice<UInt8>) throws(WireError) {
        let count = value.count
        try reserve(count)
        guard count > 0 else { return }
        value.withUnsafeBytes { source in
            next.copyMemory(from: source.baseAddress.unsafelyUnwrapped, byteCount: count)
        }
        cursor &+= count
    }

    @inlinable
    public mutating func bytes(_ value: [UInt8]) throws(WireError) {
        try bytes(value[...])
    }

    @inlinable
    public mutating func zeros(_ count: Int) throws(WireError) {
        try reserve(count)
        guard count > 0 else { return }
        uncheckedZeros(count)
    }

    // MARK: Unchecked stores, inside a region `reserve` has checked

    // A fixed-size structure checks its whole size once with `reserve(_:)`, then writes
    // its fields with these: one store each, no bounds check and no error path. They
    // are only for bytes a `reserve` on this writer has covered (debug builds assert it).

    /// The address of the next byte; the buffer is not empty when a `reserve` of at
    /// least one byte succeeded.
    @inlinable @inline(__always)
    var next: UnsafeMutableRawPointer { buffer.baseAddress.unsafelyUnwrapped + cursor }

    @inlinable @inline(__always)
    public mutating func uncheckedU8(_ value: UInt8) {
        assert(remaining >= 1, "store outside the reserved region")
        next.storeBytes(of: value, as: UInt8.self)
        cursor &+= 1
    }

    @inlinable @inline(__always)
    public mutating func uncheckedU16(_ value: UInt16) {
        assert(remaining >= 2, "store outside the reserved region")
        next.storeBytes(of: value.bigEndian, as: UInt16.self)
        cursor &+= 2
    }

    @inlinable @inline(__always)
    public mutating func uncheckedU32(_ value: UInt32) {
        assert(remaining >= 4, "store outside the reserved region")
        next.storeBytes(of: value.bigEndian, as: UInt32.self)
        cursor &+= 4
    }

    @inlinable @inline(__always)
    public mutating func uncheckedU64(_ value: UInt64) {
        assert(remaining >= 8, "store outside the reserved region")
        next.storeBytes(of: value.bigEndian, as: UInt64.self)
        cursor &+= 8
    }

    @inlinable @inline(__always)
    public mutating func uncheckedMAC(_ value: MACAddress) {
        assert(remaining >= 6, "store outside the reserved region")
        let p = next
        p.storeBytes(of: UInt32(truncatingIfNeeded: value.rawValue >> 16).bigEndian, as: UInt32.self)
        (p + 4).storeBytes(of: UInt16(truncatingIfNeeded: value.rawValue).bigEndian, as: UInt16.self)
        cursor &+= 6
    }

    @inlinable @inline(__always)
    public mutating func uncheckedIPv4(_ value: IPv4Address) {
        uncheckedU32(value.rawValue)
    }

    @inlinable @inline(__always)
    public mutating func uncheckedZeros(_ count: Int) {
        assert(count >= 0 && remaining >= count, "store outside the reserved region")
        next.initializeMemory(as: UInt8.self, repeating: 0, count: count)
        cursor &+= count
    }

    /// A string in a NUL-padded field of `width` bytes, as C's `strncpy` fills it: a
    /// string of exactly `width` bytes has no NUL, so what a peer sent comes back whole.
    /// A longer string is cut at a character boundary, never inside a UTF-8 sequence.
    public mutating func fixedString(_ value: String, width: Int) throws(WireError) {
        try reserve(width)
        var written = 0
        var cutInsideSequence = false
        for byte in value.utf8 {
            if written == width {
                cutInsideSequence = byte & 0xC0 == 0x80
                break
            }
            buffer[offset + written] = byte
            written += 1
        }
        if cutInsideSequence {
            // Drop the continuation bytes already copied, then their lead byte.
            while written > 0, buffer[offset + written - 1] & 0xC0 == 0x80 { written -= 1 }
            if written > 0 { written -= 1 }
        }
        for i in written..<width { buffer[offset + i] = 0 }
        cursor += width
    }

    /// Overwrites a 16-bit field already written, such as a length known only at the end.
    @inlinable
    public mutating func patchU16(_ value: UInt16, at position: Int) throws(WireError) {
        guard position >= 0, position + 2 <= offset else { throw .bufferTooSmall }
        buffer.storeBytes(of: value.bigEndian, toByteOffset: position, as: UInt16.self)
    }
}

extension Array where Element == UInt8 {
    /// Appends `count` bytes produced by `body` in place, growing storage only when the
    /// capacity is short, so a reused output buffer does not allocate.
    @inlinable
    public mutating func appendWriting<E: Error>(
        count: Int, _ body: (inout ByteWriter) throws(E) -> Void
    ) throws(E) {
        let start = self.count
        // The new bytes are zeroed with one memset (the array's tail cannot be handed out
        // uninitialised), then written in place.
        append(contentsOf: ZeroBytes(count: count))
        var failure: E?
        withUnsafeMutableBytes { raw in
            var writer = ByteWriter(UnsafeMutableRawBufferPointer(rebasing: raw[start..<start + count]))
            do throws(E) { try body(&writer) } catch { failure = error }
        }
        if let failure {
            removeLast(self.count - start)
            throw failure
        }
    }
}

/// `count` zero bytes, as a sequence that initialises a buffer with one memset, where
/// `repeatElement(0, count:)` would store them one by one.
@usableFromInline
struct ZeroBytes: Sequence {
    @usableFromInline var count: Int

    @inlinable init(count: Int) { self.count = Swift.max(count, 0) }

    @usableFromInline
    struct Iterator: IteratorProtocol {
        @usableFromInline var left: Int
        @inlinable init(left: Int) { self.left = left }
        @inlinable
        mutating func next() -> UInt8? {
            guard left > 0 else { return nil }
            left &-= 1
            return 0
        }
    }

    @inlinable func makeIterator() -> Iterator { Iterator(left: count) }
    @inlinable var underestimatedCount: Int { count }

    @inlinable
    func _copyContents(initializing buffer: UnsafeMutableBufferPointer<UInt8>) -> (Iterator, Int) {
        let n = Swift.min(count, buffer.count)
        if n > 0 { buffer.baseAddress.unsafelyUnwrapped.initialize(repeating: 0, count: n) }
        return (Iterator(left: count &- n), n)
    }
}
