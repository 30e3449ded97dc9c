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
        buffer[offset] = value
        cursor += 1
    }

    @inlinable
    public mutating func u16(_ value: UInt16) throws(WireError) {
        try reserve(2)
        buffer.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt16.self)
        cursor += 2
    }

    @inlinable
    public mutating func u32(_ value: UInt32) throws(WireError) {
        try reserve(4)
        buffer.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt32.self)
        cursor += 4
    }

    @inlinable
    public mutating func u64(_ value: UInt64) throws(WireError) {
        try reserve(8)
        buffer.storeBytes(of: value.bigEndian, toByteOffset: offset, as: UInt64.self)
        cursor += 8
    }

    @inlinable
    public mutating func mac(_ value: MACAddress) throws(WireError) {
        try reserve(6)
        for i in 0..<6 { buffer[offset + i] = value[i] }
        cursor += 6
    }

    @inlinable
    public mutating func ipv4(_ value: IPv4Address) throws(WireError) {
        try u32(value.rawValue)
    }

    @inlinable
    public mutating func bytes(_ value: ArraySlice<UInt8>) throws(WireError) {
        try reserve(value.count)
        var at = offset
        for byte in value {
            buffer[at] = byte
            at += 1
        }
        cursor = at
    }

    @inlinable
    public mutating func bytes(_ value: [UInt8]) throws(WireError) {
        try bytes(value[...])
    }

    @inlinable
    public mutating func zeros(_ count: Int) throws(WireError) {
        try reserve(count)
        for i in 0..<count { buffer[offset + i] = 0 }
        cursor += count
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
        append(contentsOf: repeatElement(0, count: count))
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
