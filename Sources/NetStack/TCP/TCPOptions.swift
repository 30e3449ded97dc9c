/// The TCP options this layer reads: MSS (RFC 9293), window scale and timestamps
/// (RFC 7323), SACK-permitted and SACK blocks (RFC 2018).
/// Anything else is skipped; a malformed list ends the parse with what was read so far,
/// as Linux does.
struct TCPOptions: Equatable {
    var mss: UInt16?
    var windowScale: UInt8?
    var sackPermitted = false
    var timestamp: TCPTimestampOption?
    var sack = TCPSackBlocks()

    enum Kind {
        static let end: UInt8 = 0
        static let noOperation: UInt8 = 1
        static let mss: UInt8 = 2
        static let windowScale: UInt8 = 3
        static let sackPermitted: UInt8 = 4
        static let sack: UInt8 = 5
        static let timestamp: UInt8 = 8
    }

    init() {}

    init(parsing bytes: ArraySlice<UInt8>) {
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end {
            let kind = bytes[i]
            if kind == Kind.end { return }
            if kind == Kind.noOperation {
                i &+= 1
                continue
            }
            guard i &+ 1 < end else { return }
            let length = Int(bytes[i &+ 1])
            guard length >= 2, i &+ length <= end else { return }
            switch (kind, length) {
            case (Kind.mss, 4):
                mss = UInt16(bytes[i &+ 2]) << 8 | UInt16(bytes[i &+ 3])
            case (Kind.windowScale, 3):
                windowScale = Swift.min(bytes[i &+ 2], 14)  // RFC 7323 2.3: treat more as 14
            case (Kind.sackPermitted, 2):
                sackPermitted = true
            case (Kind.timestamp, 10):
                timestamp = TCPTimestampOption(value: Self.be32(bytes, i &+ 2), echo: Self.be32(bytes, i &+ 6))
            case (Kind.sack, _) where (length &- 2) % 8 == 0:
                var at = i &+ 2
                while at < i &+ length {
                    sack.append(left: TCPSequenceNumber(Self.be32(bytes, at)), right: TCPSequenceNumber(Self.be32(bytes, at &+ 4)))
                    at &+= 8
                }
            default:
                break
            }
            i &+= length
        }
    }

    private static func be32(_ bytes: ArraySlice<UInt8>, _ i: Int) -> UInt32 {
        UInt32(bytes[i]) << 24 | UInt32(bytes[i &+ 1]) << 16 | UInt32(bytes[i &+ 2]) << 8 | UInt32(bytes[i &+ 3])
    }
}

/// The RFC 7323 timestamps option: the sender's clock (TSval) and the value it echoes
/// (TSecr).
struct TCPTimestampOption: Equatable {
    var value: UInt32
    var echo: UInt32

    /// NOP, NOP, kind, length, TSval, TSecr: what every segment carries once negotiated.
    static let alignedLength = 12
}
