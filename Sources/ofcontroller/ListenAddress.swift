/// Where the controller listens: `HOST:PORT` or `PORT` (plain TCP, as before), or in
/// Open vSwitch's notation `ptcp:PORT[:HOST]` and `pssl:PORT[:HOST]` (TLS). Without a
/// host it listens on every interface: switches come to a controller from elsewhere.
struct ListenAddress: Hashable, Sendable, CustomStringConvertible {
    var host: String
    var port: UInt16
    /// TLS (`pssl:`) rather than plain TCP.
    var secure = false

    static let standard = ListenAddress(host: "0.0.0.0", port: 6653)

    init(host: String, port: UInt16, secure: Bool = false) {
        self.host = host
        self.port = port
        self.secure = secure
    }

    /// Parses the forms above; nil when the port is not a number or the form is unknown.
    init?(parsing text: String) {
        for (scheme, secure) in [("ptcp:", false), ("pssl:", true)] where text.hasPrefix(scheme) {
            let parts = text.dropFirst(scheme.count).split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2, let port = UInt16(parts[0]) else { return nil }
            let host = parts.count == 2 && !parts[1].isEmpty ? String(parts[1]) : "0.0.0.0"
            self.init(host: host, port: port, secure: secure)
            return
        }
        let host: Substring
        let port: Substring
        if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            port = text[text.index(after: colon)...]
        } else {
            host = ""
            port = text[...]
        }
        guard let number = UInt16(port) else { return nil }
        self.init(host: host.isEmpty ? "0.0.0.0" : String(host), port: number)
    }

    /// `HOST:PORT` for plain TCP, `pssl:PORT:HOST` for TLS.
    var description: String { secure ? "pssl:" + String(port) + ":" + host : host + ":" + String(port) }
}
