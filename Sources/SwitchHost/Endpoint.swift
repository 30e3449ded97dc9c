/// An OpenFlow connection address in Open vSwitch's notation: `tcp:HOST:PORT` to
/// connect to a controller, `ptcp:PORT[:HOST]` to listen (HOST defaults to 127.0.0.1:
/// a switch's management port is not for the whole network unless asked).
public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        case active
        case passive
    }

    public var kind: Kind
    public var host: String
    public var port: UInt16

    public init(kind: Kind, host: String, port: UInt16) {
        self.kind = kind
        self.host = host
        self.port = port
    }

    /// Parses `tcp:HOST:PORT` (PORT defaults to 6653) or `ptcp:PORT[:HOST]`; nil for
    /// anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        switch parts.first {
        case "tcp":
            guard parts.count == 2 || parts.count == 3, !parts[1].isEmpty else { return nil }
            guard let port = parts.count == 3 ? UInt16(parts[2]) : 6653, port > 0 else { return nil }
            self.init(kind: .active, host: parts[1], port: port)
        case "ptcp":
            guard parts.count == 2 || parts.count == 3, let port = UInt16(parts[1]) else { return nil }
            let host = parts.count == 3 && !parts[2].isEmpty ? parts[2] : "127.0.0.1"
            self.init(kind: .passive, host: host, port: port)
        default:
            return nil
        }
    }

    public var description: String {
        switch kind {
        case .active: "tcp:" + host + ":" + String(port)
        case .passive: "ptcp:" + String(port) + ":" + host
        }
    }
}
