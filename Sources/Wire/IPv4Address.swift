/// An IPv4 address in host order; wire order is applied by the reader and writer.
public struct IPv4Address: Hashable, Sendable, Comparable {
    public var rawValue: UInt32

    @inlinable public init(rawValue: UInt32) { self.rawValue = rawValue }

    @inlinable
    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        rawValue = UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d)
    }

    public static let any = IPv4Address(rawValue: 0)
    public static let broadcast = IPv4Address(rawValue: 0xFFFF_FFFF)

    /// The mask of a `/prefix` (0...32).
    @inlinable
    public static func mask(prefix: Int) -> UInt32 {
        prefix <= 0 ? 0 : prefix >= 32 ? 0xFFFF_FFFF : ~(UInt32.max >> UInt32(prefix))
    }

    public static func < (a: IPv4Address, b: IPv4Address) -> Bool { a.rawValue < b.rawValue }
}

extension IPv4Address: CustomStringConvertible {
    /// Dotted quad.
    public var description: String {
        String(rawValue >> 24) + "." + String(rawValue >> 16 & 0xFF) + "."
            + String(rawValue >> 8 & 0xFF) + "." + String(rawValue & 0xFF)
    }

    /// Parses a dotted quad of decimal octets. Works on UTF-8 code units, so no Unicode
    /// tables are linked into Embedded builds.
    public init?(_ text: Substring) { self.init(utf8: text.utf8) }

    /// The same from bytes, for callers that never had a String (a unikernel's command line).
    @inlinable
    public init?(utf8 text: some Sequence<UInt8>) {
        var value: UInt32 = 0
        var parts = 0
        var digits = 0
        var octet: UInt32 = 0
        for unit in text {
            if unit == UInt8(ascii: ".") {
                guard digits > 0 else { return nil }
                value = value << 8 | octet
                parts += 1
                digits = 0
                octet = 0
            } else {
                guard unit &- 0x30 < 10, digits < 3 else { return nil }
                octet = octet * 10 + UInt32(unit - 0x30)
                guard octet <= 255 else { return nil }
                digits += 1
            }
        }
        guard digits > 0, parts == 3 else { return nil }
        rawValue = value << 8 | octet
    }

    public init?(_ text: String) { self.init(text[...]) }
}
