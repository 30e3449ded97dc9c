/// A flow as ovs-ofctl's flow syntax describes it: a match, the flow's own settings
/// (nil when not given) and its actions. `FlowSyntax.parseFlow` makes one from text,
/// `textForm` writes it back, and `flowMod(command:)` turns it into a FLOW_MOD.
public struct FlowSpec: Hashable, Sendable {
    public var match: Match
    public var priority: UInt16?
    public var idleTimeout: UInt16?
    public var hardTimeout: UInt16?
    public var cookie: UInt64?
    /// `table=`: OpenFlow 1.0 FLOW_MODs carry no table, so only 0 (the one table) and
    /// 255 (all tables, for requests) are accepted.
    public var table: UInt8?
    public var actions: [Action]

    public init(
        match: Match = Match(), priority: UInt16? = nil, idleTimeout: UInt16? = nil,
        hardTimeout: UInt16? = nil, cookie: UInt64? = nil, table: UInt8? = nil, actions: [Action] = []
    ) {
        self.match = match
        self.priority = priority
        self.idleTimeout = idleTimeout
        self.hardTimeout = hardTimeout
        self.cookie = cookie
        self.table = table
        self.actions = actions
    }

    /// The FLOW_MOD for `command`, with OFP_DEFAULT_PRIORITY and zero timeouts and
    /// cookie where the text gave none.
    public func flowMod(
        command: FlowModCommand, bufferID: UInt32 = BufferID.none, outPort: PortNumber = .none,
        flags: FlowModFlags = []
    ) -> FlowMod {
        FlowMod(
            match: match, cookie: cookie ?? 0, command: command, idleTimeout: idleTimeout ?? 0,
            hardTimeout: hardTimeout ?? 0, priority: priority ?? FlowMod.defaultPriority,
            bufferID: bufferID, outPort: outPort, flags: flags, actions: actions)
    }

    /// `cookie=0x1,idle_timeout=10,priority=100,in_port=1 actions=output:2`: the given
    /// settings and the matched fields, then the actions. `FlowSyntax.parseFlow` reads
    /// it back.
    public var textForm: String {
        let fields = fieldsText
        return (fields.isEmpty ? "" : fields + " ") + "actions=" + actions.textForm
    }

    /// The settings that are given and the matched fields, comma-separated; empty
    /// when there are none.
    var fieldsText: String {
        var parts: [String] = []
        if let cookie { parts.append("cookie=" + TextFormatting.hex(cookie)) }
        if let table { parts.append("table=" + String(table)) }
        if let idleTimeout { parts.append("idle_timeout=" + String(idleTimeout)) }
        if let hardTimeout { parts.append("hard_timeout=" + String(hardTimeout)) }
        if let priority { parts.append("priority=" + String(priority)) }
        parts.append(contentsOf: match.fieldTexts)
        return TextFormatting.joined(parts, ",")
    }
}
