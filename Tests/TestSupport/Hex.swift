/// Bytes from hex written by hand: whitespace between digit pairs is ignored, and the
/// parts are concatenated, so each field of a golden message can sit on its own line
/// with a comment naming it.
public func hex(_ parts: String...) -> [UInt8] {
    var bytes: [UInt8] = []
    for part in parts {
        var high: UInt8?
        for unit in part.utf8 {
            let nibble: UInt8
            switch unit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = unit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = unit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = unit - UInt8(ascii: "A") + 10
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\t"):
                precondition(high == nil, "hex literal splits a byte: \(part)")
                continue
            default: preconditionFailure("not a hex digit in \(part)")
            }
            if let h = high {
                bytes.append(h << 4 | nibble)
                high = nil
            } else {
                high = nibble
            }
        }
        precondition(high == nil, "odd number of hex digits in \(part)")
    }
    return bytes
}

/// `text` as ASCII in a NUL-padded field of `width` bytes (OpenFlow's `char name[N]`).
public func asciiField(_ text: String, width: Int) -> [UInt8] {
    let bytes = Array(text.utf8)
    precondition(bytes.count < width)
    return bytes + [UInt8](repeating: 0, count: width - bytes.count)
}

/// `count` zero bytes.
public func zeros(_ count: Int) -> [UInt8] { [UInt8](repeating: 0, count: count) }

/// Lowercase hex with a space between bytes, for failure messages.
public func hexString<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    let digits = Array("0123456789abcdef")
    var text = ""
    for (i, byte) in bytes.enumerated() {
        if i > 0 { text += " " }
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 0xF)])
    }
    return text
}
