/// Small building blocks shared by the printers. They avoid Foundation and
/// `String(describing:)` so the printers stay inside the Embedded Swift subset.
enum TextFormatting {
    /// `0x` and lowercase hex digits, zero-padded to `width` digits.
    static func hex<T: FixedWidthInteger>(_ value: T, width: Int = 1) -> String {
        "0x" + hexDigits(value, width: width)
    }

    /// Lowercase hex digits, zero-padded to `width` digits.
    static func hexDigits<T: FixedWidthInteger>(_ value: T, width: Int) -> String {
        let digits = String(value, radix: 16)
        let padding = width - digits.utf8.count
        return (padding > 0 ? String(repeating: "0", count: padding) : "") + digits
    }

    /// nil for zero: flow settings that are printed only when set.
    static func nonzero<T: FixedWidthInteger>(_ value: T) -> T? {
        value == 0 ? nil : value
    }

    /// A port as ovs-ofctl writes it: the reserved keyword (`LOCAL`, `CONTROLLER`, ...) or
    /// the decimal number.
    static func port(_ port: PortNumber) -> String {
        port.reservedName ?? String(port.rawValue)
    }

    /// A buffer id, or `none` for the "not buffered" value.
    static func buffer(_ id: UInt32) -> String {
        id == BufferID.none ? "none" : hex(id)
    }

    /// `1.500s`: whole seconds and milliseconds.
    static func duration(seconds: UInt32, nanoseconds: UInt32) -> String {
        let milliseconds = min(nanoseconds / 1_000_000, 999)
        let fraction = String(milliseconds)
        return String(seconds) + "." + String(repeating: "0", count: 3 - fraction.utf8.count) + fraction + "s"
    }

    /// A counter, or `?` for the all-ones value the spec uses for "not available".
    static func counter(_ value: UInt64) -> String {
        value == UInt64.max ? "?" : String(value)
    }

    /// The names of the set bits joined by `|`, any bits without a name as one hex
    /// number, and `0` when no bit is set.
    static func bits(_ raw: UInt32, _ names: [(bit: UInt32, name: String)]) -> String {
        var parts: [String] = []
        var rest = raw
        for entry in names where raw & entry.bit != 0 {
            parts.append(entry.name)
            rest &= ~entry.bit
        }
        if rest != 0 { parts.append(hex(rest)) }
        return parts.isEmpty ? "0" : joined(parts, "|")
    }

    static func joined(_ parts: [String], _ separator: String) -> String {
        var text = ""
        for (i, part) in parts.enumerated() {
            if i > 0 { text += separator }
            text += part
        }
        return text
    }

    /// `text` safe to put on one line: control characters (C0, DEL, C1) and the Unicode
    /// line and paragraph separators become `\xNN` or `\u{NNNN}`, a backslash becomes
    /// `\\`, and, when `quoting`, a double quote becomes `\"`.
    static func escaped(_ text: String, quoting: Bool = false) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x20 || (value >= 0x7F && value <= 0x9F) {
                out += "\\x" + hexDigits(value, width: 2)
            } else if value == 0x2028 || value == 0x2029 {
                out += "\\u{" + String(value, radix: 16) + "}"
            } else if scalar == "\\" || (quoting && scalar == "\"") {
                out += "\\"
                out.unicodeScalars.append(scalar)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `"text"`, escaped.
    static func quoted(_ text: String) -> String {
        "\"" + escaped(text, quoting: true) + "\""
    }

    /// The bytes as quoted, escaped text when they are ASCII, with trailing NULs
    /// dropped (C senders often include one); nil otherwise.
    static func asciiText(_ bytes: ArraySlice<UInt8>) -> String? {
        var body = bytes
        while body.last == 0 { body = body.dropLast() }
        for byte in body where byte >= 0x80 { return nil }
        return quoted(String(decoding: body, as: UTF8.self))
    }

    /// Bytes as lowercase hex digits with no separators.
    static func hexBytes(_ bytes: ArraySlice<UInt8>) -> String {
        var text = ""
        for byte in bytes { text += hexDigits(byte, width: 2) }
        return text
    }
}
