/// A flow that could not be read from a list, with the 1-based line at fault.
public struct FlowListError: Error, Sendable, CustomStringConvertible {
    public var line: Int
    public var error: FlowSyntaxError

    /// `line 3: unknown field 'nw_dest'`.
    public var description: String { "line " + String(line) + ": " + error.message }
}

extension FlowSyntax {
    /// A list of flows to add, one per line in ovs-ofctl syntax: `#` starts a comment to
    /// the end of the line, blank lines are skipped. What `ofswitch --flows FILE`, the
    /// switch image's ramdisk and `ofcontroller --app static:FILE` read.
    public static func parseFlowList(_ text: String) throws(FlowListError) -> [FlowMod] {
        var flows: [FlowMod] = []
        var number = 0
        for rawLine in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            number += 1
            var content = rawLine.prefix { $0 != UInt8(ascii: "#") }
            while let first = content.first, isBlank(first) { content = content.dropFirst() }
            while let last = content.last, isBlank(last) { content = content.dropLast() }
            guard !content.isEmpty else { continue }
            do throws(FlowSyntaxError) {
                flows.append(try parseFlow(String(decoding: content, as: UTF8.self)).flowMod(command: .add))
            } catch {
                throw FlowListError(line: number, error: error)
            }
        }
        return flows
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }
}
