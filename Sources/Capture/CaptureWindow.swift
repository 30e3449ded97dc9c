import Wire

/// The bytes of a capture file in memory: all of it (`PcapReader`) or the unread part
/// of what a stream has read so far (`PcapStream`). Parsers read at `offset` and move it
/// past each record; a parser that finds too few bytes either throws (the file is
/// complete, so it is truncated) or stops and says how many it wants.
struct CaptureWindow: Sendable {
    /// The file's bytes up to `end`; a stream keeps room to read into after that.
    var bytes: [UInt8]
    /// The next unread byte of `bytes`.
    var offset = 0
    /// One past the last byte read.
    var end: Int
    /// The file offset of `bytes[0]`, so errors name a place in the file.
    var base = 0
    /// No more bytes will come.
    var isComplete: Bool
    /// After a parser stopped for lack of bytes: how many it needs from `offset`.
    var wanted = 0

    init(bytes: [UInt8], isComplete: Bool) {
        self.bytes = bytes
        end = bytes.count
        self.isComplete = isComplete
    }

    var fileOffset: Int { base + offset }
    var available: Int { end - offset }
    /// Every byte of a complete file has been read.
    var isExhausted: Bool { isComplete && available == 0 }

    /// Whether `count` bytes from `offset` are here. When they are not, a complete file
    /// is short (`truncated` is thrown); otherwise the parser waits for more.
    mutating func has(_ count: Int, orThrow truncated: CaptureError? = nil) throws(CaptureError) -> Bool {
        if available >= count { return true }
        if isComplete { throw truncated ?? .truncatedRecord(offset: fileOffset) }
        wanted = count
        return false
    }

    /// The big-endian 32-bit number at `at`, to compare against magic constants.
    func bigEndianU32(at position: Int) -> UInt32 {
        bytes[...].be32(position)
    }
}
