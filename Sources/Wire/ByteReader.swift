/// A big-endian cursor over borrowed bytes.
///
/// Every read is bounds-checked, once per field, then done with one unaligned load; a
/// short read throws the `Failure` value given at construction, so each protocol
/// reports truncation in its own error type
/// (`OFPBRC_BAD_LEN` for a message body, `OFPBAT_BAD_LEN` for an action, ...).
/// Sub-ranges come back as slices of the same storage: nothing is copied.
public struct ByteReader<Failure: Error> {
    public let bytes: ArraySlice<UInt8>
    /// Position of the next byte to read, an index into `bytes`.
    @inlinable public var index: Int { cursor }
    @usableFromInline var cursor: Int
    @usableFromInline let failure: Failure

    @inlinable
    public init(_ bytes: ArraySlice<UInt8>, truncated failure: Failure) {
        self.bytes = bytes
        self.cursor = bytes.startIndex
        self.failure = failure
    }

    /// Bytes not yet read.
    @inlinable public var remaining: Int { bytes.endIndex - index }
    /// Bytes read so far.
    @inlinable public var consumed: Int { index - bytes.startIndex }
    @inlinable public var isAtEnd: Bool { index == bytes.endIndex }

    @inlinable
    public mutating func require(_ count: Int) throws(Failure) {
        guard count >= 0, remaining >= count else { throw failure }
    }

    /// A big-endian integer at `position` (an index into `bytes`), read with one
    /// unaligned load. The caller has already checked, with `require`, that the bytes
    /// are there: this is the single bounds check of the read.
    @inlinable @inline(__always)
    func load<T: FixedWidthInteger>(at position: Int, as type: T.Type = T.self) -> T {
        bytes.withUnsafeBytes { raw in
            T(bigEndian: raw.loadUnaligned(fromByteOffset: position &- bytes.startIndex, as: T.self))
        }
    }

    @inlinable
    public mutating func u8() throws(Failure) -> UInt8 {
        try require(1)
        defer { cursor &+= 1 }
        return load(at: cursor)
    }

    @inlinable
    public mutating func u16() throws(Failure) -> UInt16 {
        try require(2)
        defer { cursor &+= 2 }
        return load(at: cursor)
    }

    @inlinable
    public mutating func u32() throws(Failure) -> UInt32 {
        try require(4)
        defer { cursor &+= 4 }
        return load(at: cursor)
    }

    @inlinable
    public mutating func u64() throws(Failure) -> UInt64 {
        try require(8)
        defer { cursor &+= 8 }
        return load(at: cursor)
    }

    @inlinable
    public mutating func mac() throws(Failure) -> MACAddress {
        try require(6)
        defer { cursor &+= 6 }
        let high: UInt32 = load(at: cursor)
        let low: UInt16 = load(at: cursor &+ 4)
        return MACAddress(rawValue: UInt64(high) << 16 | UInt64(low))
    }

    @inlinable
    public mutating func ipv4() throws(Failure) -> IPv4Address {
        IPv4Address(rawValue: try u32())
    }

    /// The next `count` bytes as a slice of the same storage.
    @inlinable
    public mutating func bytes(_ count: Int) throws(Failure) -> ArraySlice<UInt8> {
        try require(count)
        defer { cursor += count }
        return bytes[index..<index + count]
    }

    /// Everything not yet read.
    @inlinable
    public mutating func rest() -> ArraySlice<UInt8> {
        defer { cursor = bytes.endIndex }
        return bytes[index...]
    }

    @inlinable
    public mutating func skip(_ count: Int) throws(Failure) {
        try require(count)
        cursor += count
    }

    /// A NUL-padded fixed-width string field (OpenFlow's `char name[N]`), up to the first
    /// NUL or the whole field when there is none. Invalid UTF-8 is repaired with U+FFFD,
    /// the one place where decoding is lossy.
    public mutating func fixedString(_ width: Int) throws(Failure) -> String {
        let field = try bytes(width)
        let end = field.firstIndex(of: 0) ?? field.endIndex
        return String(decoding: field[field.startIndex..<end], as: UTF8.self)
    }
}
