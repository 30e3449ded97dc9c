import Wire

/// The network images' address settings: `ip=A/N [gw=G]` for a static address, or
/// `dhcp` (also when no `ip=` is given). A malformed value is an error, never a silent
/// fallback to DHCP.
public struct NetworkArguments {
    public var address: IPv4Address?
    public var prefixLength = 24
    public var gateway: IPv4Address?
    public var dhcp: Bool
    /// Static addresses for vifs 1 to 3 (`vif1=A/N` ...): one more NetStack each, on the
    /// same loop.
    public var moreInterfaces: [MoreInterface] = []

    public struct MoreInterface {
        public var index: Int
        public var address: IPv4Address
        public var prefixLength: Int
    }

    public init(taking arguments: inout BootArguments) throws(BootArgumentError) {
        dhcp = arguments.take(flag: "dhcp")
        if let value = arguments.take("ip=") {
            (address, prefixLength) = try Self.addressAndPrefix(value)
        }
        for (index, key) in [(1, "vif1=" as StaticString), (2, "vif2="), (3, "vif3=")] {
            guard let value = arguments.take(key) else { continue }
            let (address, prefix) = try Self.addressAndPrefix(value)
            moreInterfaces.append(MoreInterface(index: index, address: address, prefixLength: prefix))
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

    /// `A.B.C.D[/N]`, the prefix 24 when absent.
    private static func addressAndPrefix(_ value: ArraySlice<UInt8>) throws(BootArgumentError) -> (IPv4Address, Int) {
        let parts = value.split(separator: UInt8(ascii: "/"), maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPv4Address(utf8: parts[0]), address != .any else {
            throw BootArgumentError(word: value, reason: "an address is a dotted quad, as ip=10.0.9.2/24")
        }
        guard parts.count > 1 else { return (address, 24) }
        guard let prefix = BootArguments.decimal(parts[1], limit: 32), prefix > 0 else {
            throw BootArgumentError(word: value, reason: "the prefix length after / must be 1 to 32")
        }
        return (address, Int(prefix))
    }
}
