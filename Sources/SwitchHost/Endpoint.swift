/// An OpenFlow connection address in Open vSwitch's notation: `tcp:HOST[:PORT]` or
/// `ssl:HOST[:PORT]` to connect to a controller, `ptcp:PORT[:HOST]` or
/// `pssl:PORT[:HOST]` to listen (HOST defaults to 127.0.0.1: a switch's management port
/// is not for the whole network unless asked). PORT defaults to 6653.
public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        case active
        case passive
    }

    public var kind: Kind
    public var host: String
    public var port: UInt16
    /// TLS (`ssl:`, `pssl:`) rather than plain TCP.
    public var secure: Bool

    public init(kind: Kind, host: String, port: UInt16, secure: Bool = false) {
        self.kind = kind
        self.host = host
        self.port = port
        self.secure = secure
    }

    /// Parses the forms above; nil for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3 else { return nil }
        switch parts[0] {
        case "tcp", "ssl":
            guard !parts[1].isEmpty, let port = parts.count == 3 ? UInt16(parts[2]) : 6653, port > 0 else { return nil }
            self.init(kind: .active, host: parts[1], port: port, secure: parts[0] == "ssl")
        case "ptcp", "pssl":
            guard let port = UInt16(parts[1]) else { return nil }
            let host = parts.count == 3 && !parts[2].isEmpty ? parts[2] : "127.0.0.1"
            self.init(kind: .passive, host: host, port: port, secure: parts[0] == "pssl")
        default:
            return nil
        }
    }

    public var description: String {
        switch kind {
        case .active: (secure ? "ssl:" : "tcp:") + host + ":" + String(port)
        case .passive: (secure ? "pssl:" : "ptcp:") + String(port) + ":" + host
        }
    }
}
