import OpenFlow

/// Firewall rules in file order (the first that matches decides) and the verdict for
/// packets no rule matches.
///
/// Text form, one rule per line, `#` comments:
/// ```
/// default allow
/// deny  tcp,nw_dst=10.0.0.2,tp_dst=22
/// allow ip,nw_src=10.0.0.1          # ovs-ofctl match syntax after the keyword
/// deny  dl_src=00:00:00:00:00:03
/// ```
/// The `default` line is optional (allow) and may appear once.
public struct FirewallPolicy: Hashable, Sendable {
    public enum Verdict: Hashable, Sendable {
        case allow
        case deny
    }

    public struct Rule: Hashable, Sendable {
        public var verdict: Verdict
        public var match: Match

        public init(_ verdict: Verdict, _ match: Match) {
            self.verdict = verdict
            self.match = match
        }
    }

    /// Rules get flow priorities counting down from here, so this bounds their number.
    public static let topPriority: UInt16 = 60_000

    public var rules: [Rule]
    public var defaultVerdict: Verdict

    public init(rules: [Rule], default defaultVerdict: Verdict = .allow) {
        self.rules = rules
        self.defaultVerdict = defaultVerdict
    }

    /// Reads the text form; errors name the line.
    public init(parsing text: String) throws(ConfigError) {
        var rules: [Rule] = []
        var defaultVerdict: Verdict?
        try ConfigLines.forEach(text) { (line, content) throws(ConfigError) in
            let (keyword, rest) = ConfigLines.splitKeyword(content)
            switch ConfigLines.lowercased(keyword) {
            case "default":
                guard defaultVerdict == nil else { throw ConfigError(line: line, "a second 'default' line") }
                guard let verdict = Self.verdict(ConfigLines.lowercased(rest)) else {
                    throw ConfigError(line: line, "'default' takes 'allow' or 'deny', got '" + rest + "'")
                }
                defaultVerdict = verdict
            case let word:
                guard let verdict = Self.verdict(word) else {
                    throw ConfigError(line: line, "expected 'allow', 'deny' or 'default', got '" + keyword + "'")
                }
                guard rules.count < Int(Self.topPriority) else { throw ConfigError(line: line, "too many rules") }
                do throws(FlowSyntaxError) {
                    rules.append(Rule(verdict, try FlowSyntax.parseMatch(rest)))
                } catch {
                    throw ConfigError(line: line, error.message)
                }
            }
        }
        self.init(rules: rules, default: defaultVerdict ?? .allow)
    }

    /// The verdict for a packet, given its exact match (`Match(frame:inPort:)`).
    public func verdict(for packet: Match) -> Verdict {
        for rule in rules where rule.match.matches(packet) { return rule.verdict }
        return defaultVerdict
    }

    private static func verdict(_ word: String) -> Verdict? {
        switch word {
        case "allow": .allow
        case "deny": .deny
        default: nil
        }
    }
}
