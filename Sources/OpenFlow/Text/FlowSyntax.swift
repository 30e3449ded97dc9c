/// The flow syntax users type to `ovs-ofctl add-flow` for OpenFlow 1.0, parsed into
/// values: `priority=100,tcp,nw_dst=10.0.0.0/24,tp_dst=80,actions=output:2`.
///
/// Fields are `key=value` or bare keywords, separated by commas or whitespace; keys and
/// keywords are case-insensitive. `actions=` takes the rest of the text. Unlike
/// ovs-ofctl, a field whose protocol prerequisite is missing (`tp_dst` without `tcp`,
/// `udp` or `icmp`) is an error rather than silently ignored; see `MatchBuilder.finish`.
public enum FlowSyntax {
    /// A whole flow: settings (`priority`, `idle_timeout`, `hard_timeout`, `cookie`,
    /// `table`), match fields, then `actions=`. Without `requiringActions` (as for
    /// deleting flows), a missing `actions=` means no actions.
    public static func parseFlow(_ text: String, requiringActions: Bool = true) throws(FlowSyntaxError) -> FlowSpec {
        var spec = FlowSpec()
        var builder = MatchBuilder()
        var scanner = FieldScanner(text)
        var sawActions = false
        while let token = scanner.next() {
            let (key, value) = (token.key, token.value)
            switch Keyword(key) {
            case "actions":
                guard let value else { throw .missingValue(field: key) }
                spec.actions = try parseActions(value)
                sawActions = true
            case "priority":
                spec.priority = UInt16(try setting(key, value, spec.priority, max: 0xFFFF))
            case "idle_timeout":
                spec.idleTimeout = UInt16(try setting(key, value, spec.idleTimeout, max: 0xFFFF))
            case "hard_timeout":
                spec.hardTimeout = UInt16(try setting(key, value, spec.hardTimeout, max: 0xFFFF))
            case "cookie":
                spec.cookie = try setting(key, value, spec.cookie, max: UInt64.max)
            case "table":
                let table = try setting(key, value, spec.table, max: 0xFF)
                guard table == 0 || table == 0xFF else {
                    throw .outOfRange(field: key, text: value ?? "", allowed: "0, or 255 for all tables")
                }
                spec.table = UInt8(table)
            default:
                guard try builder.apply(key: key, value: value) else { throw .unknownField(key) }
            }
        }
        if requiringActions, !sawActions { throw .missingActions }
        spec.match = try builder.finish()
        return spec
    }

    /// Match fields and protocol keywords only, as `Match.textForm` writes them; empty
    /// text or `any` is the all-wildcard match.
    public static func parseMatch(_ text: String) throws(FlowSyntaxError) -> Match {
        var builder = MatchBuilder()
        var scanner = FieldScanner(text)
        while let token = scanner.next() {
            guard try builder.apply(key: token.key, value: token.value) else { throw .unknownField(token.key) }
        }
        return try builder.finish()
    }

    /// A numeric flow setting given once.
    private static func setting<T>(
        _ key: String, _ value: String?, _ previous: T?, max: UInt64
    ) throws(FlowSyntaxError) -> UInt64 {
        guard previous == nil else { throw .duplicateField(key) }
        guard let value else { throw .missingValue(field: key) }
        return try SyntaxValue.number(value, field: key, max: max)
    }
}

/// Splits flow syntax into `key` and `key=value` tokens at commas and whitespace.
struct FieldScanner {
    private let bytes: [UInt8]
    private var position = 0

    init(_ text: String) { bytes = Array(text.utf8) }

    /// The next token, its key lowercased; nil at the end. The value of `actions=` is
    /// the rest of the text, since actions contain commas of their own.
    mutating func next() -> (key: String, value: String?)? {
        while position < bytes.count, Self.isSeparator(bytes[position]) { position += 1 }
        guard position < bytes.count else { return nil }
        let keyStart = position
        while position < bytes.count, !Self.isSeparator(bytes[position]), bytes[position] != UInt8(ascii: "=") {
            position += 1
        }
        let key = ASCII.lowercased(String(decoding: bytes[keyStart..<position], as: UTF8.self))
        guard position < bytes.count, bytes[position] == UInt8(ascii: "=") else { return (key, nil) }
        position += 1
        let valueStart = position
        if ASCII.same(key, "actions") {
            position = bytes.count
        } else {
            while position < bytes.count, !Self.isSeparator(bytes[position]) { position += 1 }
        }
        return (key, String(decoding: bytes[valueStart..<position], as: UTF8.self))
    }

    static func isSeparator(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: ",") || byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
            || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }
}
