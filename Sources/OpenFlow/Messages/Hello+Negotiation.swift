/// Agreeing on OpenFlow 1.0 from the peer's HELLO, for both ends of a connection: we
/// speak version 0x01 only.
///
/// A HELLO carrying a version bitmap element (OpenFlow 1.3.1 and later) agrees when the
/// bitmap has bit 1. Without one, the lower of the two versions wins, so any header
/// version of 1 or more agrees (Open vSwitch offering 1.0 to 1.5 sends version 6).
extension Hello {
    /// OFPHET_VERSIONBITMAP.
    static let versionBitmapElement: UInt16 = 1

    /// nil when 1.0 is agreed with a peer that sent this HELLO under header version
    /// `version`; otherwise the ASCII text for OFPET_HELLO_FAILED / OFPHFC_INCOMPATIBLE.
    public func refusalOfVersion10(headerVersion version: UInt8) -> String? {
        if let offers10 = bitmapOffersVersion10 {
            return offers10 ? nil : "We support only OpenFlow 1.0 (0x01), which your HELLO's version bitmap lacks."
        }
        if version >= Header.version { return nil }
        return "We support only OpenFlow 1.0 (0x01); you offered version " + String(version) + "."
    }

    /// Whether the first well-formed version bitmap element has bit 1; nil without one.
    private var bitmapOffersVersion10: Bool? {
        var at = body.startIndex
        while body.endIndex - at >= 4 {
            let type = UInt16(body[at]) << 8 | UInt16(body[at + 1])
            let length = Int(body[at + 2]) << 8 | Int(body[at + 3])
            guard length >= 4, at + length <= body.endIndex else { return nil }
            if type == Self.versionBitmapElement {
                // The first 32-bit word holds versions 0-31; version 1 is bit 1.
                guard length >= 8 else { return false }
                return body[at + 7] & 0b10 != 0
            }
            at += (length + 7) & ~7
        }
        return nil
    }
}
