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

    /// Parses `aa:bb:cc:dd:ee:ff` (also `-` separated).
    public init?(_ text: Substring) {
        var value: UInt64 = 0
        var parts = 0
        for part in text.split(separator: ":", omittingEmptySubsequences: false)
            .flatMap({ $0.split(separator: "-", omittingEmptySubsequences: false) }) {
            // Hex digits only: `UInt8("+f", radix: 16)` would accept a sign.
            guard part.count >= 1, part.count <= 2, part.utf8.allSatisfy(isHexDigit),
                let byte = UInt8(part, radix: 16)
            else { return nil }
            value = value << 8 | UInt64(byte)
            parts += 1
        }
        guard parts == 6 else { return nil }
        self.init(rawValue: value)
    }

    public init?(_ text: String) { self.init(text[...]) }
}

/// True for an ASCII hex digit.
func isHexDigit(_ unit: UInt8) -> Bool {
    unit &- 0x30 < 10 || (unit | 0x20) &- 0x61 < 6
}

/// Two lowercase hex digits.
@usableFromInline
func hexByte(_ byte: UInt8) -> String {
    let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"]
    return String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0xF)])
}
