/// The little JSON that iperf3's control connection carries: the client's parameters
/// and both sides' results, each a small object (the results holding a `streams`
/// array of objects). A strict RFC 8259 reader and a compact writer, enough for those
/// and nothing more. The reader rejects anything outside the grammar (trailing commas,
/// comments, leading zeros, lone surrogates, control characters in strings, invalid
/// UTF-8, duplicate keys, bytes after the value) and bounds the nesting, so a hostile
/// peer gets an error, never a crash.
enum JSONValue {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

/// An object's members in the order they were read or added.
struct JSONObject {
    var members: [(key: String, value: JSONValue)] = []

    subscript(key: String) -> JSONValue? {
        for member in members where member.key == key { return member.value }
        return nil
    }

    mutating func append(_ key: String, _ value: JSONValue) {
        members.append((key, value))
    }
}

/// Why a text is not acceptable JSON: what was wrong and the byte offset.
struct JSONError: Error, CustomStringConvertible {
    var reason: String
    var offset: Int
    var description: String { "JSON: " + reason + " at byte " + String(offset) }
}

enum JSON {
    /// Deeper nesting is refused (iperf3's documents are two levels deep).
    static var maximumDepth: Int { 32 }

    /// Parses exactly one value, with optional whitespace around it.
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONError) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.offset == bytes.count else { throw JSONError(reason: "unexpected bytes after the value", offset: parser.offset) }
        return value
    }

    static func parse(_ bytes: [UInt8]) throws(JSONError) -> JSONValue {
        try bytes.withUnsafeBytes { raw in Result { () throws(JSONError) -> JSONValue in try parse(raw) } }.get()
    }

    /// Compact text (no whitespace), as cJSON_PrintUnformatted writes it.
    static func serialize(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let flag): out.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number): writeNumber(number, into: &out)
        case .string(let text): writeString(text, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                serialize(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for (index, member) in object.members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                serialize(member.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func serialize(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        serialize(value, into: &out)
        return out
    }

    /// Integers (exactly representable ones) without a fraction; other finite numbers in
    /// the shortest form that reads back the same; JSON has no infinity or NaN, so those
    /// become null.
    private static func writeNumber(_ number: Double, into out: inout [UInt8]) {
        guard number.isFinite else {
            out.append(contentsOf: "null".utf8)
            return
        }
        if number == number.rounded(), abs(number) < 9_007_199_254_740_992 {
            out.append(contentsOf: String(Int64(number)).utf8)
        } else {
            // Swift's shortest round-trip form ("0.25", "1e-05", "1.5e+20") is valid JSON.
            out.append(contentsOf: number.description.utf8)
        }
    }

    private static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case 0x0A: out.append(contentsOf: "\\n".utf8)
            case 0x0D: out.append(contentsOf: "\\r".utf8)
            case 0x09: out.append(contentsOf: "\\t".utf8)
            case 0x08: out.append(contentsOf: "\\b".utf8)
            case 0x0C: out.append(contentsOf: "\\f".utf8)
            case 0..<0x20:
                let digits: [UInt8] = Array("0123456789abcdef".utf8)
                out.append(contentsOf: "\\u00".utf8)
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 15)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// A recursive-descent reader over the bytes; `offset` is the next unread byte.
private struct JSONParser {
    let bytes: UnsafeRawBufferPointer
    var offset = 0

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    private var atEnd: Bool { offset >= bytes.count }
    private var current: UInt8 { bytes[offset] }

    private func fail(_ reason: String) -> JSONError { JSONError(reason: reason, offset: offset) }

    mutating func skipWhitespace() {
        while !atEnd, current == 0x20 || current == 0x09 || current == 0x0A || current == 0x0D { offset += 1 }
    }

    mutating func value(depth: Int) throws(JSONError) -> JSONValue {
        guard !atEnd else { throw fail("unexpected end of text") }
        switch current {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw fail("unexpected character")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONError) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - offset >= count else { throw fail("unexpected end of text") }
        for index in 0..<count where bytes[offset + index] != word.utf8Start[index] {
            throw fail("unknown literal")
        }
        offset += count
    }

    private mutating func object(depth: Int) throws(JSONError) -> JSONValue {
        guard depth <= JSON.maximumDepth else { throw fail("nested too deeply") }
        offset += 1  // {
        var object = JSONObject()
        var keys = Set<String>()
        skipWhitespace()
        if !atEnd, current == UInt8(ascii: "}") {
            offset += 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            guard !atEnd, current == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let keyOffset = offset
            let key = try string()
            guard keys.insert(key).inserted else { throw JSONError(reason: "duplicate key \"" + key + "\"", offset: keyOffset) }
            skipWhitespace()
            guard !atEnd, current == UInt8(ascii: ":") else { throw fail("expected ':'") }
            offset += 1
            skipWhitespace()
            object.append(key, try value(depth: depth))
            skipWhitespace()
            guard !atEnd else { throw fail("unexpected end of text") }
            if current == UInt8(ascii: ",") {
                offset += 1
                continue
            }
            guard current == UInt8(ascii: "}") else { throw fail("expected ',' or '}'") }
            offset += 1
            return .object(object)
        }
    }

    private mutating func array(depth: Int) throws(JSONError) -> JSONValue {
        guard depth <= JSON.maximumDepth else { throw fail("nested too deeply") }
        offset += 1  // [
        var items: [JSONValue] = []
        skipWhitespace()
        if !atEnd, current == UInt8(ascii: "]") {
            offset += 1
            return .array(items)
        }
        while true {
            skipWhitespace()
            items.append(try value(depth: depth))
            skipWhitespace()
            guard !atEnd else { throw fail("unexpected end of text") }
            if current == UInt8(ascii: ",") {
                offset += 1
                continue
            }
            guard current == UInt8(ascii: "]") else { throw fail("expected ',' or ']'") }
            offset += 1
            return .array(items)
        }
    }

    /// A string: escapes decoded, surrogate pairs joined, raw bytes checked as UTF-8.
    private mutating func string() throws(JSONError) -> String {
        offset += 1  // opening quote
        var utf8: [UInt8] = []
        while true {
            guard !atEnd else { throw fail("unterminated string") }
            let byte = current
            switch byte {
            case UInt8(ascii: "\""):
                offset += 1
                guard let text = String(validating: utf8, as: UTF8.self) else { throw fail("string is not valid UTF-8") }
                return text
            case UInt8(ascii: "\\"):
                offset += 1
                guard !atEnd else { throw fail("unterminated escape") }
                let escape = current
                offset += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if scalar >= 0xD800 && scalar < 0xDC00 {
                        guard bytes.count - offset >= 2, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u") else {
                            throw fail("lone high surrogate")
                        }
                        offset += 2
                        let low = try hex4()
                        guard low >= 0xDC00 && low < 0xE000 else { throw fail("bad low surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if scalar >= 0xDC00 && scalar < 0xE000 {
                        throw fail("lone low surrogate")
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw fail("bad \\u escape") }
                    utf8.append(contentsOf: String(Character(unicode)).utf8)
                default:
                    throw fail("unknown escape")
                }
            case 0..<0x20:
                throw fail("control character in string")
            default:
                utf8.append(byte)
                offset += 1
            }
        }
    }

    private mutating func hex4() throws(JSONError) -> UInt32 {
        guard bytes.count - offset >= 4 else { throw fail("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = current
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail("bad hex digit in \\u escape")
            }
            value = value << 4 | UInt32(digit)
            offset += 1
        }
        return value
    }

    /// `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`, checked here, then converted.
    private mutating func number() throws(JSONError) -> Double {
        let start = offset
        if current == UInt8(ascii: "-") { offset += 1 }
        guard !atEnd, isDigit(current) else { throw fail("expected a digit") }
        if current == UInt8(ascii: "0") {
            offset += 1
            if !atEnd, isDigit(current) { throw fail("leading zero") }
        } else {
            while !atEnd, isDigit(current) { offset += 1 }
        }
        if !atEnd, current == UInt8(ascii: ".") {
            offset += 1
            guard !atEnd, isDigit(current) else { throw fail("expected a digit after '.'") }
            while !atEnd, isDigit(current) { offset += 1 }
        }
        if !atEnd, current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            offset += 1
            if !atEnd, current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { offset += 1 }
            guard !atEnd, isDigit(current) else { throw fail("expected a digit in the exponent") }
            while !atEnd, isDigit(current) { offset += 1 }
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
        guard let number = Double(text), number.isFinite else { throw JSONError(reason: "number out of range", offset: start) }
        return number
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}

extension JSONValue {
    var objectValue: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }

    var numberValue: Double? {
        if case .number(let number) = self { return number }
        return nil
    }
}
