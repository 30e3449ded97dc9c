/// Rewrites cbench's one optional-argument flag into a form swift-argument-parser
/// reads. getopt lets `-L` and `--learn-dst-macs` stand alone (meaning on) or carry a
/// joined value (`-Loff`, `--learn-dst-macs=off`); the parser needs a value every time.
enum CbenchArguments {
    static func normalized(_ arguments: [String]) -> [String] {
        arguments.map { argument in
            argument == "-L" || argument == "--learn-dst-macs" ? "--learn-dst-macs=on" : argument
        }
    }

    /// getopt's reading of the value: true, on or 1 (any case) mean on; anything else off.
    static func isOn(_ value: String) -> Bool {
        ["true", "on", "1"].contains(value.lowercased())
    }
}
