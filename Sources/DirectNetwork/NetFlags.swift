import ArgumentParser

/// The flags that put a tool on our own TCP/IP stack, the same in ofnet, ofcontroller
/// and ofswitch: `--net`, `--ip`, `--gateway`, `--dhcp`, `--mac`.
public struct NetFlags: ParsableArguments {
    @Option(name: .customLong("net"), help: ArgumentHelp("Run on our own TCP/IP stack over this device (" + NetworkSpec.syntax + ") instead of the kernel's TCP.", valueName: "DEVICE"))
    public var net: String?

    @Option(name: .customLong("ip"), help: ArgumentHelp("With --net: our address and prefix length.", valueName: "ADDRESS/PREFIX"))
    public var ip: String?

    @Option(name: .customLong("gateway"), help: ArgumentHelp("With --net: the router for addresses off the subnet.", valueName: "ADDRESS"))
    public var gateway: String?

    @Flag(name: .customLong("dhcp"), help: "With --net: get the address from DHCP instead of --ip.")
    public var dhcp = false

    @Option(name: .customLong("mac"), help: ArgumentHelp("With --net: our MAC address (default: a random locally administered one).", valueName: "MAC"))
    public var mac: String?

    public init() {}

    /// The parsed options with --net, nil without it; the refusal is the tool's one line.
    public func options() throws(FlagError) -> DirectNetworkOptions? {
        guard let net else {
            guard ip == nil, gateway == nil, !dhcp, mac == nil else {
                throw FlagError("--ip, --gateway, --dhcp and --mac go with --net")
            }
            return nil
        }
        return try DirectNetworkOptions.parse(net: net, ip: ip, gateway: gateway, dhcp: dhcp, mac: mac).get()
    }

    public func validate() throws {
        do throws(FlagError) { _ = try options() } catch { throw ValidationError(error.message) }
    }
}
