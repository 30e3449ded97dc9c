/// A rules or flows file that could not be read, with the 1-based line at fault.
public struct ConfigError: Error, Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var message: String

    public init(line: Int, _ message: String) {
        self.line = line
        self.message = message
    }

    /// `line 3: unknown field 'nw_dest'`.
    public var description: String { "line " + String(line) + ": " + message }
}

/// The lines of a config file that say something: `#` starts a comment to the end of
/// the line, surrounding whitespace is trimmed, blank lines are skipped. Apps take the
/// file's contents, so the core never touches a file system.
enum ConfigLines {
    static func forEach(
        _ text: String, _ body: (_ line: Int, _ content: String) throws(ConfigError) -> Void
    ) throws(ConfigError) {
        var number = 0
        for rawLine in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            var content = rawLine.prefix { $0 != UInt8(ascii: "#") }
            while let first = content.first, isSpace(first) { content = content.dropFirst() }
            while let last = content.last, isSpace(last) { content = content.dropLast() }
            guard !content.isEmpty else { continue }
            try body(number, String(decoding: content, as: UTF8.self))
        }
    }

    /// The first word of `text` and the trimmed rest.
    static func splitKeyword(_ text: String) -> (keyword: String, rest: String) {
        let bytes = Array(text.utf8)
        let end = bytes.firstIndex(where: isSpace) ?? bytes.count
        var restStart = end
        while restStart < bytes.count, isSpace(bytes[restStart]) { restStart += 1 }
        return (
            String(decoding: bytes[..<end], as: UTF8.self),
            String(decoding: bytes[restStart...], as: UTF8.self)
        )
    }

    /// ASCII letters lowercased; keywords are ASCII, and this needs no Unicode tables.
    static func lowercased(_ text: String) -> String {
        String(decoding: text.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 0x20 : $0 }, as: UTF8.self)
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }
}
