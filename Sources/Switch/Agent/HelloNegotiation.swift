import OpenFlow

/// Agreeing on OpenFlow 1.0 from the peer's HELLO; this switch speaks version 0x01 only.
///
/// A HELLO carrying a version bitmap element (OpenFlow 1.3.1 and later) agrees when
/// the bitmap has bit 1. Without one, the lower of the two versions wins, so any header
/// version of 1 or more agrees (Open vSwitch offering 1.0-1.5 sends version 6).
enum HelloNegotiation {
    /// OFPHET_VERSIONBITMAP.
    static let versionBitmapType: UInt16 = 1

    /// nil when 1.0 is agreed; otherwise the ASCII text for OFPHFC_INCOMPATIBLE.
    static func refusal(version: UInt8, hello: Hello) -> String? {
        if let offers10 = bitmapOffers10(hello.body) {
            return offers10 ? nil : "This switch supports only OpenFlow 1.0 (0x01), which your version bitmap lacks."
        }
        if version >= Header.version { return nil }
        return "This switch supports only OpenFlow 1.0 (0x01); you offered version " + String(version) + "."
    }

    /// Whether the first well-formed version bitmap element has bit 1; nil without one.
    private static func bitmapOffers10(_ body: ArraySlice<UInt8>) -> Bool? {
        var at = body.startIndex
        while body.endIndex - at >= 4 {
            let type = UInt16(body[at]) << 8 | UInt16(body[at + 1])
            let length = Int(body[at + 2]) << 8 | Int(body[at + 3])
            guard length >= 4, at + length <= body.endIndex else { return nil }
            if type == versionBitmapType {
                // The first 32-bit word holds versions 0-31; version 1 is bit 1.
                guard length >= 8 else { return false }
                return body[at + 7] & 0b10 != 0
            }
            at += (length + 7) & ~7
        }
        return nil
    }
}
