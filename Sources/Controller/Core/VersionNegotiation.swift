import OpenFlow

/// Agreeing on OpenFlow 1.0 from the peer's HELLO. We speak only version 0x01.
///
/// A HELLO with a version bitmap element (OpenFlow 1.3.1 and later) agrees when the
/// bitmap has bit 1; otherwise any header version of 1 or more agrees, since the
/// lower of the two versions wins (so Open vSwitch's version-6 HELLO negotiates 1.0).
enum VersionNegotiation {
    /// OFPHET_VERSIONBITMAP.
    static let versionBitmapElement: UInt16 = 1

    /// nil when 1.0 is agreed; otherwise the ASCII explanation for HELLO_FAILED.
    static func refusal(version: UInt8, hello: Hello) -> String? {
        if let bitmap = versionBitmap(hello.body) {
            if bitmap.first.map({ $0 & 0b10 != 0 }) == true { return nil }
            return "We support only version 0x01, which your HELLO's version bitmap lacks."
        }
        if version >= Header.version { return nil }
        return "We support version 0x01 only but you support no later than version 0x"
            + hexByte(version) + "."
    }

    /// The 32-bit words of the first well-formed version bitmap element, if any.
    private static func versionBitmap(_ body: ArraySlice<UInt8>) -> [UInt32]? {
        var offset = body.startIndex
        while body.endIndex - offset >= 4 {
            let type = UInt16(body[offset]) << 8 | UInt16(body[offset + 1])
            let length = Int(UInt16(body[offset + 2]) << 8 | UInt16(body[offset + 3]))
            guard length >= 4, offset + length <= body.endIndex else { return nil }
            if type == versionBitmapElement {
                var words: [UInt32] = []
                var at = offset + 4
                while at + 4 <= offset + length {
                    words.append(body[at..<at + 4].reduce(0) { $0 << 8 | UInt32($1) })
                    at += 4
                }
                return words
            }
            offset += (length + 7) & ~7
        }
        return nil
    }

    private static func hexByte(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16)
        return byte < 16 ? "0" + digits : digits
    }
}
