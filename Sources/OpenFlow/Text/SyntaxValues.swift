import Wire

/// Values as flow syntax writes them: decimal or `0x` hex numbers, ports by number or
/// keyword, MAC and IPv4 addresses, address prefixes. Each failure names its field.
enum SyntaxValue {
    /// A decimal or `0x` hex number no larger than `max`.
    static func number(_ text: String, field: String, max: UInt64) throws(FlowSyntaxError) -> UInt64 {
        var digits = Array(text.utf8)[...]
        guard !digits.isEmpty else { throw .missingValue(field: field) }
        var radix: UInt64 = 10
        if digits.count > 2, digits[0] == UInt8(ascii: "0"), digits[1] | 0x20 == UInt8(ascii: "x") {
            radix = 16
            digits = digits.dropFirst(2)
        }
        var value: UInt64 = 0
        var overflow = false
        for byte in digits {
            guard let digit = hexDigit(byte), UInt64(digit) < radix else { throw .badNumber(field: field, text: text) }
            let (shifted, o1) = value.multipliedReportingOverflow(by: radix)
            let (sum, o2) = shifted.addingReportingOverflow(UInt64(digit))
            overflow = overflow || o1 || o2
            value = sum
        }
        guard !overflow, value <= max else {
            throw .outOfRange(field: field, text: text, allowed: "0..." + String(max))
        }
        return value
    }

    /// The value of one hex digit (so also of a decimal one).
    static func hexDigit(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// A port number, or a reserved port keyword in any case (`LOCAL`, `controller`).
    static func port(_ text: String, field: String) throws(FlowSyntaxError) -> PortNumber {
        guard let first = text.utf8.first else { throw .missingValue(field: field) }
        if first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") {
            return PortNumber(UInt16(try number(text, field: field, max: 0xFFFF)))
        }
        let name = ASCII.uppercased(text)
        for raw in PortNumber.inPort.rawValue...PortNumber.none.rawValue
        where PortNumber(raw).reservedName.map({ ASCII.same($0, name) }) ?? false {
            return PortNumber(raw)
        }
        throw .badPort(field: field, text: text)
    }

    static func mac(_ text: String, field: String) throws(FlowSyntaxError) -> MACAddress {
        guard !text.isEmpty else { throw .missingValue(field: field) }
        guard let mac = MACAddress(text) else { throw .badMAC(field: field, text: text) }
        return mac
    }

    static func ipv4(_ text: String, field: String) throws(FlowSyntaxError) -> IPv4Address {
        guard !text.isEmpty else { throw .missingValue(field: field) }
        guard let address = IPv4Address(text) else { throw .badIPv4(field: field, text: text) }
        return address
    }

    /// `a.b.c.d`, `a.b.c.d/len` or `a.b.c.d/m.m.m.m` (contiguous ones only, since
    /// OpenFlow 1.0 matches prefixes). The address comes back with the bits past the
    /// prefix cleared, as ovs-ofctl does.
    static func prefixed(_ text: String, field: String) throws(FlowSyntaxError) -> (address: IPv4Address, prefix: Int) {
        let bytes = Array(text.utf8)
        guard let slash = bytes.firstIndex(of: UInt8(ascii: "/")) else {
            return (try ipv4(text, field: field), 32)
        }
        let address = try ipv4(String(decoding: bytes[..<slash], as: UTF8.self), field: field)
        let suffix = String(decoding: bytes[(slash + 1)...], as: UTF8.self)
        let prefix: Int
        if bytes[(slash + 1)...].contains(UInt8(ascii: ".")) {
            guard let mask = IPv4Address(suffix), (~mask.rawValue) & (~mask.rawValue &+ 1) == 0 else {
                throw .badPrefix(field: field, text: text)
            }
            prefix = mask.rawValue.nonzeroBitCount
        } else {
            guard let length = try? number(suffix, field: field, max: 32) else { throw .badPrefix(field: field, text: text) }
            prefix = Int(length)
        }
        return (IPv4Address(rawValue: address.rawValue & IPv4Address.mask(prefix: prefix)), prefix)
    }
}

/// ASCII case mapping on the UTF-8 bytes, leaving every other byte alone: keywords are
/// matched without regard to case, and without the Unicode tables full case mapping needs.
enum ASCII {
    /// Byte equality. String's `==` normalises Unicode, which costs an Embedded image
    /// its tables; flow syntax is ASCII.
    static func same(_ text: String, _ literal: StaticString) -> Bool {
        text.utf8.elementsEqual(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    static func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

    static func lowercased(_ text: String) -> String {
        String(decoding: text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    static func uppercased(_ text: String) -> String {
        String(decoding: text.utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 & ~0x20 : $0 }, as: UTF8.self)
    }
}

/// A word of flow syntax to `switch` over with string literals, compared as bytes (see
/// `ASCII.same`): `switch Keyword(name) { case "output": ... }`.
struct Keyword {
    let text: String
    init(_ text: String) { self.text = text }
    static func ~= (pattern: StaticString, word: Keyword) -> Bool { ASCII.same(word.text, pattern) }
}
