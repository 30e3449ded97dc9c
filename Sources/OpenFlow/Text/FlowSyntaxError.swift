/// Why a line of flow syntax was rejected. Each case names the field or action and
/// the text at fault; `message` says it in a sentence for the user.
public enum FlowSyntaxError: Error, Equatable, Sendable {
    /// A `key=value` whose key is not a field (in a match: also not a protocol keyword).
    case unknownField(String)
    /// An action keyword the parser does not know.
    case unknownAction(String)
    /// A field or action that needs a value was given none (`in_port`, `output:`).
    case missingValue(field: String)
    /// A keyword that takes no value was given one (`tcp=1`, `strip_vlan:1`).
    case unexpectedValue(field: String, text: String)
    /// Not a decimal or `0x` hex number.
    case badNumber(field: String, text: String)
    /// A number outside what the field can hold or OpenFlow allows; `allowed` says what is.
    case outOfRange(field: String, text: String, allowed: String)
    case badMAC(field: String, text: String)
    case badIPv4(field: String, text: String)
    /// A `/prefix` that is not 0...32, or a netmask whose ones are not contiguous.
    case badPrefix(field: String, text: String)
    /// Neither a port number nor a reserved port keyword.
    case badPort(field: String, text: String)
    /// An argument with the wrong shape, such as `enqueue:1` without a queue.
    case badArgument(field: String, text: String)
    /// The same field given twice, directly or through a keyword (`tcp,nw_proto=6`).
    case duplicateField(String)
    /// A field whose protocol is not pinned down, such as `tp_dst` without `tcp`.
    case missingPrerequisite(field: String, requirement: String)
    /// `drop` together with other actions.
    case dropWithOtherActions
    /// A flow without `actions=` where one is required (adding or modifying flows).
    case missingActions

    public var message: String {
        switch self {
        case .unknownField(let name): "unknown field '" + name + "'"
        case .unknownAction(let name): "unknown action '" + name + "'"
        case .missingValue(let field): field + ": missing value"
        case .unexpectedValue(let field, let text): field + " takes no value, got '" + text + "'"
        case .badNumber(let field, let text): field + ": '" + text + "' is not a number"
        case .outOfRange(let field, let text, let allowed): field + ": " + text + " out of range (" + allowed + ")"
        case .badMAC(let field, let text): field + ": '" + text + "' is not a MAC address"
        case .badIPv4(let field, let text): field + ": '" + text + "' is not an IPv4 address"
        case .badPrefix(let field, let text): field + ": bad prefix or netmask '" + text + "'"
        case .badPort(let field, let text): field + ": '" + text + "' is not a port number or keyword"
        case .badArgument(let field, let text): field + ": malformed argument '" + text + "'"
        case .duplicateField(let name): "duplicate field '" + name + "'"
        case .missingPrerequisite(let field, let requirement): field + " requires " + requirement
        case .dropWithOtherActions: "drop must be the only action"
        case .missingActions: "missing 'actions='"
        }
    }
}
