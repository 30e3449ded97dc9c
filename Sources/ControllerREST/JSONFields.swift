import Foundation
import Wire

/// Reads the loosely typed values of ofctl_rest bodies as Ryu does: integers may come
/// as JSON numbers or as decimal or 0x-hex strings. Every failure names its field.
enum JSONFields {
    static func object(_ value: Any?, field: String) throws(RESTError) -> [String: Any] {
        guard let object = value as? [String: Any] else { throw .badRequest("\(field): expected a JSON object") }
        return object
    }

    static func array(_ value: Any?, field: String) throws(RESTError) -> [Any] {
        guard let array = value as? [Any] else { throw .badRequest("\(field): expected a JSON array") }
        return array
    }

    static func string(_ value: Any?, field: String) throws(RESTError) -> String {
        guard let text = value as? String else { throw .badRequest("\(field): expected a string") }
        return text
    }

    /// An integer in `T`'s range, from a number or a decimal or 0x-hex string.
    static func integer<T: FixedWidthInteger>(_ value: Any?, field: String, as: T.Type = T.self) throws(RESTError) -> T {
        let parsed: T?
        switch value {
        case let number as NSNumber where !isBoolean(number):
            // Its decimal text: "1.5" and "1e3" are not integers, and a UInt64 cookie
            // keeps every digit (a Double would not).
            parsed = T(number.stringValue, radix: 10)
        case let text as String:
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.lowercased().hasPrefix("0x") {
                parsed = T(trimmed.dropFirst(2), radix: 16)
            } else {
                parsed = T(trimmed, radix: 10)
            }
        default:
            parsed = nil
        }
        guard let parsed else {
            throw .badRequest("\(field): expected an integer from \(T.min) to \(T.max)")
        }
        return parsed
    }

    /// JSON's true and false, which JSONSerialization hands out as NSNumbers of C type
    /// char (and which `is Bool` cannot tell from 1: every NSNumber bridges to Bool).
    private static func isBoolean(_ number: NSNumber) -> Bool {
        String(cString: number.objCType) == "c"
    }

    static func mac(_ value: Any?, field: String) throws(RESTError) -> MACAddress {
        guard let mac = MACAddress(try string(value, field: field)[...]) else {
            throw .badRequest("\(field): expected a MAC address like 00:00:00:00:00:01")
        }
        return mac
    }

    static func ipv4(_ value: Any?, field: String) throws(RESTError) -> IPv4Address {
        guard let address = IPv4Address(try string(value, field: field)) else {
            throw .badRequest("\(field): expected an IPv4 address like 10.0.0.1")
        }
        return address
    }
}
