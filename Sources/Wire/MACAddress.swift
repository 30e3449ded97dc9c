/// A 48-bit Ethernet address, held in the low 48 bits of an integer so it hashes,
/// compares and copies as one word.
public struct MACAddress: Hashable, Sendable, Comparable {
    public var rawValue: UInt64

    @inlinable
    public init(rawValue: UInt64) { self.rawValue = rawValue & 0xFFFF_FFFF_FFFF }

    @inlinable
    public init(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8, _ b4: UInt8, _ b5: UInt8) {
        rawValue = UInt64(b0) << 40 | UInt64(b1) << 32 | UInt64(b2) << 24
            | UInt64(b3) << 16 | UInt64(b4) << 8 | UInt64(b5)
    }

    /// The first six bytes of `bytes`, which must hold at least six.
    @inlinable
    public init(_ bytes: ArraySlice<UInt8>) {
        let i = bytes.startIndex
        self.init(bytes[i], bytes[i + 1], bytes[i + 2], bytes[i + 3], bytes[i + 4], bytes[i + 5])
    }

    public static let zero = MACAddress(rawValue: 0)
    public static let broadcast = MACAddress(rawValue: 0xFFFF_FFFF_FFFF)

    /// Byte `i` (0...5) in wire order.
    @inlinable
    public subscript(i: Int) -> UInt8 { UInt8(truncatingIfNeeded: rawValue >> (8 * (5 - UInt64(i)))) }

    /// The group bit: broadcast and multicast destinations.
    @inlinable public var isMulticast: Bool { rawValue & 0x0100_0000_0000 != 0 }
    @inlinable public var isBroadcast: Bool { self == .broadcast }

    public static func < (a: MACAddress, b: MACAddress) -> Bool { a.rawValue < b.rawValue }
}

extension MACAddress: CustomStringConvertible {
    /// `aa:bb:cc:dd:ee:ff`, as ovs-ofctl and tshark print it.
    public var description: String {
        var text = ""
        for i in 0..<6 {
            if i > 0 { text += ":" }
            text += hexByte(self[i])
        }
        return text
    }

    /// Parses `aa:bb:cc:dd:ee:ff` (also `-` separated), one or two hex digits a byte.
    /// Works on UTF-8 code units, so no Unicode tables are linked into Embedded builds.
    public init?(_ text: Substring) {
        var value: UInt64 = 0
        var parts = 0
        var digits = 0
        var byte: UInt64 = 0
        for unit in text.utf8 {
            if unit == UInt8(ascii: ":") || unit == UInt8(ascii: "-") {
                guard digits > 0 else { return nil }
                value = value << 8 | byte
                parts += 1
                digits = 0
                byte = 0
            } else {
                guard let nibble = hexValue(unit), digits < 2 else { return nil }
                byte = byte << 4 | UInt64(nibble)
                digits += 1
            }
        }
        guard digits > 0, parts == 5 else { return nil }
        self.init(rawValue: value << 8 | byte)
    }

    public init?(_ text: String) { self.init(text[...]) }
}

/// The value of an ASCII hex digit, or nil.
func hexValue(_ unit: UInt8) -> UInt8? {
    if unit &- 0x30 < 10 { return unit - 0x30 }
    let lower = unit | 0x20
    if lower &- 0x61 < 6 { return lower - 0x61 + 10 }
    return nil
}

/// Two lowercase hex digits.
@usableFromInline
func hexByte(_ byte: UInt8) -> String {
    func digit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x61 + nibble - 10 }
    return String(decoding: [digit(byte >> 4), digit(byte & 0xF)], as: UTF8.self)
}

extension UnsafeRawBufferPointer {
    /// The MAC address at `offset` (six bytes, in wire order): two loads.
    @inlinable @inline(__always)
    public func mac(_ offset: Int) -> MACAddress {
        MACAddress(rawValue: UInt64(be32(offset)) << 16 | UInt64(be16(offset + 4)))
    }
}
