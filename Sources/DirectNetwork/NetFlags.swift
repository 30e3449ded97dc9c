import ArgumentParser
import Scheduler

/// The flags that put a tool on our own TCP/IP stack, the same in ofnet, ofcontroller
/// and ofswitch: `--net`, `--ip`, `--gateway`, `--dhcp`, `--mac`, `--poll-window`.
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

    @Option(name: .customLong("poll-window"), help: ArgumentHelp("With --net: keep polling the device this long after the last frame before sleeping (default 50; 0: sleep at once).", valueName: "MICROSECONDS"))
    public var pollWindow: UInt64?

    public init() {}

    /// The parsed options with --net, nil without it; the refusal is the tool's one line.
    public func options() throws(FlagError) -> DirectNetworkOptions? {
        guard let net else {
            guard ip == nil, gateway == nil, !dhcp, mac == nil, pollWindow == nil else {
                throw FlagError("--ip, --gateway, --dhcp, --mac and --poll-window go with --net")
            }
            return nil
        }
        var options = try DirectNetworkOptions.parse(net: net, ip: ip, gateway: gateway, dhcp: dhcp, mac: mac).get()
        if let pollWindow {
            guard pollWindow <= 1_000_000 else { throw FlagError("--poll-window takes 0 to 1000000 microseconds") }
            options.pollWindow = .microseconds(pollWindow)
        }
        return options
    }

    public func validate() throws {
        do throws(FlagError) { _ = try options() } catch { throw ValidationError(error.message) }
    }
}
