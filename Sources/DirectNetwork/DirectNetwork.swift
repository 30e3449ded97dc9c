import Devices
import LinuxPlatform
import NetStack
import NetStackHost
import Scheduler
import Wire

/// The platform of the direct deployment on Linux: epoll for the device's descriptor
/// (and signals), soft readiness for our own TCP's connections.
public typealias DirectPlatform = SoftPlatform<EpollPlatform>
/// Our stack over the device `--net` picked.
public typealias DirectInterface = NetInterface<HostDevice, DirectPlatform>

/// What the `--net`, `--ip`, `--gateway`, `--dhcp` and `--mac` flags say, shared by
/// ofnet, ofcontroller and ofswitch.
public struct DirectNetworkOptions: Sendable {
    public var spec: NetworkSpec
    /// nil: ask DHCP.
    public var address: InterfaceAddress?
    public var gateway: IPv4Address?
    public var mac: MACAddress?
    /// Spin instead of sleeping in epoll: a whole core spent to take the wake-up out of
    /// every round trip (as a load generator or a latency measurement wants).
    public var busyPoll = false
    /// Keep polling the device this long after the last frame before sleeping: no
    /// wake-up in a request/response exchange, sleep when idle (`EpollPlatform`).
    public var pollWindow = Interval.microseconds(50)

    public init(spec: NetworkSpec, address: InterfaceAddress?, gateway: IPv4Address?, mac: MACAddress?) {
        self.spec = spec
        self.address = address
        self.gateway = gateway
        self.mac = mac
    }

    /// Checks the flags together; the message is the one line a tool prints.
    public static func parse(
        net: String, ip: String?, gateway: String?, dhcp: Bool, mac: String?
    ) -> Result<DirectNetworkOptions, FlagError> {
        guard let spec = NetworkSpec(parsing: net) else {
            return .failure(FlagError("--net takes " + NetworkSpec.syntax + ", got '" + net + "'"))
        }
        guard (ip != nil) != dhcp else {
            return .failure(FlagError("--net needs either --ip ADDRESS/PREFIX or --dhcp"))
        }
        var address: InterfaceAddress?
        if let ip {
            guard let parsed = InterfaceAddress(parsing: ip) else {
                return .failure(FlagError("--ip takes ADDRESS/PREFIX (e.g. 10.0.0.2/24), got '" + ip + "'"))
            }
            address = parsed
        }
        var router: IPv4Address?
        if let gateway {
            guard let parsed = IPv4Address(gateway[...]) else {
                return .failure(FlagError("--gateway takes an IPv4 address, got '" + gateway + "'"))
            }
            router = parsed
        }
        var hardware: MACAddress?
        if let mac {
            guard let parsed = MACAddress(mac), !parsed.isMulticast else {
                return .failure(FlagError("--mac takes a unicast MAC address (02:00:00:00:00:01), got '" + mac + "'"))
            }
            hardware = parsed
        }
        return .success(DirectNetworkOptions(spec: spec, address: address, gateway: router, mac: hardware))
    }
}

/// A flag the user got wrong, with the one line that says how.
public struct FlagError: Error, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// The direct deployment's network, ready to run: the device opened and watched, our
/// stack configured (or asking DHCP), on a loop the appliance shares.
public final class DirectNetwork {
    public let platform: EpollPlatform
    public let soft: SoftReadiness
    public let loop: RunLoop<DirectPlatform>
    public let interface: DirectInterface
    public let options: DirectNetworkOptions
    /// The epoll token of the device; tokens below 16 are free for the tool's own use.
    public static let deviceToken: UInt64 = 8

    public init(
        _ options: DirectNetworkOptions, seed: UInt64, limits: NetStackLimits = NetStackLimits(),
        tcpLimits: TCPLimits = TCPLimits()
    ) throws(DirectNetworkError) {
        self.options = options
        let mac = options.mac ?? .locallyAdministered(seed: seed)
        let device: HostDevice
        do throws(DeviceError) {
            device = try HostDevice(options.spec, macAddress: mac)
        } catch {
            throw DirectNetworkError(options.spec.description + ": " + error.description)
        }
        do throws(SocketError) {
            platform = try EpollPlatform(maxEventsPerWait: 256, busyPoll: options.busyPoll, pollWindow: options.pollWindow)
            try platform.register(fd: device.fd, token: Self.deviceToken)
        } catch {
            throw DirectNetworkError(options.spec.description + ": " + error.description)
        }
        soft = SoftReadiness()
        loop = RunLoop(platform: SoftPlatform(base: platform, soft: soft))
        var configuration = NetStackConfiguration(mac: mac, mtu: device.mtu)
        configuration.limits = limits
        if let address = options.address {
            configuration.address = address.address
            configuration.prefixLength = address.prefixLength
            configuration.gateway = options.gateway
        }
        var tcp = tcpLimits
        tcp.mss = device.mtu - 40
        let stack = NetStack(configuration: configuration, tcpLimits: tcp, seed: seed)
        interface = NetInterface(device: device, stack: stack, loop: loop, soft: soft, deviceToken: Self.deviceToken)
        interface.start()
        if options.address == nil {
            do throws(NetError) { try interface.startDHCP(seed: seed &+ 1) } catch {
                throw DirectNetworkError("--dhcp: cannot bind UDP port 68")
            }
        }
    }

    /// "tap:of0 10.0.0.2/24 (02:...)" for the log.
    public var summary: String {
        let stack = interface.stack
        let address = stack.address == .any ? "no address yet (DHCP)" : stack.address.description + "/" + String(stack.configuration.prefixLength)
        return options.spec.description + " " + address + " (" + stack.mac.description + ", MTU " + String(stack.mtu) + ")"
    }
}

/// Opening the direct network failed: one line saying what and why.
public struct DirectNetworkError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
