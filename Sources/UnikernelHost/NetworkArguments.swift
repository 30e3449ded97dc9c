import Wire

/// The network images' address settings: `ip=A/N [gw=G]` for a static address, or
/// `dhcp` (also when no `ip=` is given). A malformed value is an error, never a silent
/// fallback to DHCP.
public struct NetworkArguments {
    public var address: IPv4Address?
    public var prefixLength = 24
    public var gateway: IPv4Address?
    public var dhcp: Bool

    public init(taking arguments: inout BootArguments) throws(BootArgumentError) {
        dhcp = arguments.take(flag: "dhcp")
        if let value = arguments.take("ip=") {
            let parts = value.split(separator: UInt8(ascii: "/"), maxSplits: 1, omittingEmptySubsequences: false)
            guard let address = IPv4Address(utf8: parts[0]), address != .any else {
                throw BootArgumentError(word: value, reason: "ip= wants a dotted quad, as ip=10.0.9.2/24")
            }
            self.address = address
            if parts.count > 1 {
                guard let prefix = BootArguments.decimal(parts[1], limit: 32), prefix > 0 else {
                    throw BootArgumentError(word: value, reason: "the prefix length after / must be 1 to 32")
                }
                prefixLength = Int(prefix)
            }
        }
        if let value = arguments.take("gw=") {
            guard let gateway = IPv4Address(utf8: value) else {
                throw BootArgumentError(word: value, reason: "gw= wants a dotted quad")
            }
            self.gateway = gateway
        }
        if dhcp, address != nil {
            throw BootArgumentError(word: [], reason: "dhcp and ip= together")
        }
        if address == nil {
            if gateway != nil { throw BootArgumentError(word: [], reason: "gw= without ip=") }
            dhcp = true
        }
    }
}
