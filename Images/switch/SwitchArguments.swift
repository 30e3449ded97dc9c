import Switch
import UnikernelHost
import Wire

/// The switch image's own words on the command line, after the network's:
/// `controller=A.B.C.D[:PORT]` (repeatable; PORT 6653 when absent),
/// `fail=secure|standalone`, `listen=PORT` (service connections for ovs-ofctl on the
/// management address) and `dpid=HEX` (up to 16 digits; the management vif's MAC when
/// absent, as Open vSwitch takes its bridge's).
struct SwitchArguments {
    var controllers: [(address: IPv4Address, port: UInt16)] = []
    var failMode = FailMode.secure
    var listenPort: UInt16?
    var datapathID: UInt64?

    init(taking words: inout BootArguments) throws(BootArgumentError) {
        while let value = words.take("controller=") {
            let parts = value.split(separator: UInt8(ascii: ":"), maxSplits: 1, omittingEmptySubsequences: false)
            guard let address = IPv4Address(utf8: parts[0]), address != .any else {
                throw BootArgumentError(word: value, reason: "controller= wants A.B.C.D[:PORT]")
            }
            var port: UInt16 = 6653
            if parts.count > 1 {
                guard let number = BootArguments.decimal(parts[1], limit: 65535), number > 0 else {
                    throw BootArgumentError(word: value, reason: "the controller's port must be 1 to 65535")
                }
                port = UInt16(number)
            }
            controllers.append((address, port))
        }
        if let value = words.take("fail=") {
            if BootArguments.equal(value, "secure") {
                failMode = .secure
            } else if BootArguments.equal(value, "standalone") {
                failMode = .standalone
            } else {
                throw BootArgumentError(word: value, reason: "fail= is secure or standalone")
            }
        }
        if let value = words.take("listen=") {
            guard let number = BootArguments.decimal(value, limit: 65535), number > 0 else {
                throw BootArgumentError(word: value, reason: "listen= wants a port, 1 to 65535")
            }
            listenPort = UInt16(number)
        }
        if let value = words.take("dpid=") {
            guard let id = Self.hexadecimal(value) else {
                throw BootArgumentError(word: value, reason: "dpid= wants 1 to 16 hex digits")
            }
            datapathID = id
        }
    }

    private static func hexadecimal(_ word: ArraySlice<UInt8>) -> UInt64? {
        guard !word.isEmpty, word.count <= 16 else { return nil }
        var value: UInt64 = 0
        for unit in word {
            let digit: UInt8
            switch unit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = unit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = unit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = unit - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt64(digit)
        }
        return value
    }

    /// `tcp:A.B.C.D:PORT` for each controller, as the agent's logs name them.
    var controllerNames: [String] {
        controllers.map { "tcp:" + $0.address.description + ":" + String($0.port) }
    }
}
