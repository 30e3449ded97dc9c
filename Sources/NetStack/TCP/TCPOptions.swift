/// The TCP options this layer reads: MSS (RFC 9293), window scale (RFC 7323),
/// SACK-permitted (RFC 2018).
/// Anything else is skipped; a malformed list ends the parse with what was read so far,
/// as Linux does.
struct TCPOptions: Equatable {
    var mss: UInt16?
    var windowScale: UInt8?
    var sackPermitted = false

    enum Kind {
        static let end: UInt8 = 0
        static let noOperation: UInt8 = 1
        static let mss: UInt8 = 2
        static let windowScale: UInt8 = 3
        static let sackPermitted: UInt8 = 4
        static let sack: UInt8 = 5
    }

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
            default:
                break
            }
            i &+= length
        }
    }
}
