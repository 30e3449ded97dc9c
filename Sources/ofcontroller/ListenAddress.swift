/// Where the controller listens: `HOST:PORT`, or just `PORT` (all interfaces).
struct ListenAddress: Hashable, Sendable, CustomStringConvertible {
    var host: String
    var port: UInt16

    static let standard = ListenAddress(host: "0.0.0.0", port: 6653)

    init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Parses `HOST:PORT`, `:PORT` or `PORT`; nil when the port is not a number.
    init?(parsing text: String) {
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

    var description: String { host + ":" + String(port) }
}
