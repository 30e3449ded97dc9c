import CUnikernel
import Devices
import NetStack
import NetStackHost
import Scheduler
import Wire

/// NetStack on vif 0 of a Xen domain (and on vifs 1 to 3 when the command line gives
/// them addresses), on a run loop: how every network image starts.
/// It connects the vif (the xenbus handshake), watches `control/shutdown`, and brings
/// up the address the command line gave (or asks DHCP). An image adds its listeners,
/// then calls `run`, which seals the page tables and turns the loop until the toolstack
/// asks the domain to stop.
public final class XenNetwork {
    public typealias Platform = SoftPlatform<XenPlatform>

    public let loop: RunLoop<Platform>
    public let interface: NetInterface<Netfront, Platform>
    public let vif: Netfront
    /// NetStacks on vifs 1 to 3 when the command line gave them addresses (`vif1=`...).
    public private(set) var moreInterfaces: [NetInterface<Netfront, Platform>] = []
    /// Vifs 1 and up as plain frame devices, when asked for (a switch's ports): each
    /// registered with the platform under `portToken(index)`, in vif order.
    public private(set) var portVifs: [Netfront] = []
    /// The grant table holds seven vifs: vif 0 and six more.
    public static var maximumPortVifs: Int { 6 }
    /// The boot entry, on the loop's clock: boot figures count from it.
    public let bootInstant: Instant
    /// When Swift code began (after the page tables, the heap and the command line), vif
    /// 0 connected, and its stack started: the boot figure's phases.
    private let swiftStart: Instant
    private var vifConnected: Instant = .zero
    private var stackStarted: Instant = .zero
    private let store: XenStore
    private let shutdown: ShutdownRequests
    private let dhcp: Bool
    private let seed: UInt64
    private var announced = false

    private enum Tokens {
        static let vif: UInt64 = 8
        static let store: UInt64 = 9
    }

    /// The readiness token of vif `index` connected as a port.
    public static func portToken(_ index: Int) -> UInt64 { 64 + UInt64(index) }

    /// With `portVifs`, every vif after vif 0 the toolstack gave the domain is connected
    /// as a plain device in `portVifs` instead (`vif1=`... must then be absent). `tcp`
    /// bounds the stacks' connections (its MSS follows the vif's MTU): each connection
    /// holds its send and receive buffers from the start, so they set the heap's need.
    public init(_ arguments: NetworkArguments, portVifs wantPorts: Bool = false, tcp: TCPLimits = TCPLimits()) {
        let platform = XenPlatform()
        bootInstant = platform.bootInstant
        swiftStart = platform.now()
        let store = XenStore(platform: platform)
        self.store = store
        let grants = GrantTable()
        do throws(NetfrontError) { vif = try Netfront(index: 0, store: store, grants: grants, platform: platform) } catch {
            Shutdown.panic("network: vif 0 did not connect")
        }
        vifConnected = platform.now()
        do throws(XenStoreError) { shutdown = try ShutdownRequests(store: store) } catch {
            Shutdown.panic("network: cannot watch control/shutdown")
        }
        let soft = SoftReadiness()
        var base = platform
        base.register(port: vif.port, token: Tokens.vif)
        base.register(port: store.port, token: Tokens.store)
        loop = RunLoop(platform: SoftPlatform(base: base, soft: soft))

        var configuration = NetStackConfiguration(mac: vif.macAddress, mtu: vif.mtu)
        if let address = arguments.address {
            configuration.address = address
            configuration.prefixLength = arguments.prefixLength
            configuration.gateway = arguments.gateway
        }
        var seed: UInt64 = 0
        withUnsafeMutableBytes(of: &seed) { arc4random_buf($0.baseAddress, $0.count) }
        self.seed = seed
        dhcp = arguments.dhcp
        var limits = tcp
        limits.mss = vif.mtu - 40
        interface = NetInterface(
            device: vif, stack: NetStack(configuration: configuration, tcpLimits: limits, seed: seed), loop: loop,
            soft: soft, deviceToken: Tokens.vif)
        interface.start()
        stackStarted = platform.now()
        for more in arguments.moreInterfaces {
            let device: Netfront
            do throws(NetfrontError) { device = try Netfront(index: more.index, store: store, grants: grants, platform: platform) } catch {
                Shutdown.panic("network: a vif given an address (vif1= to vif3=) did not connect")
            }
            let token = Tokens.vif + 8 + UInt64(more.index)
            loop.platform.base.register(port: device.port, token: token)
            var settings = NetStackConfiguration(mac: device.macAddress, mtu: device.mtu)
            settings.address = more.address
            settings.prefixLength = more.prefixLength
            let extra = NetInterface(
                device: device, stack: NetStack(configuration: settings, tcpLimits: limits, seed: seed &+ UInt64(more.index) &* 2),
                loop: loop, soft: soft, deviceToken: token)
            extra.start()
            moreInterfaces.append(extra)
        }
        if wantPorts { connectPortVifs(store: store, grants: grants, platform: platform) }
    }

    /// Connects vifs 1 and up, in index order, as plain devices.
    private func connectPortVifs(store: XenStore, grants: GrantTable, platform: XenPlatform) {
        var indices: [Int] = []
        do throws(XenStoreError) {
            for name in try store.directory("device/vif") {
                if let index = Int(name), index > 0 { indices.append(index) }
            }
        } catch {
            Shutdown.panic("network: cannot list device/vif")
        }
        indices.sort()
        if indices.count > Self.maximumPortVifs { Shutdown.panic("network: more than six vifs after vif 0") }
        for index in indices {
            let device: Netfront
            do throws(NetfrontError) { device = try Netfront(index: index, store: store, grants: grants, platform: platform) } catch {
                Shutdown.panic("network: a port vif did not connect")
            }
            loop.platform.base.register(port: device.port, token: Self.portToken(index))
            portVifs.append(device)
        }
    }

    /// Starts DHCP if asked and seals the page tables. `addressUp` is called once the
    /// stack has an address (at once for a static one); `stop` is called when the
    /// toolstack asks the domain to stop, and must make the loop end.
    public func start(addressUp: @escaping () -> Void, stop: @escaping (ShutdownRequests.Request) -> Void) {
        if dhcp {
            do throws(NetError) { try interface.startDHCP(seed: seed &+ 1) } catch { Shutdown.panic("network: cannot start DHCP") }
        }
        uk_seal_page_tables()
        let announce = {
            guard !self.announced, self.interface.stack.address != .any else { return }
            self.announced = true
            addressUp()
        }
        announce()
        interface.onLease = { _ in announce() }
        loop.register(token: Tokens.store) { _ in
            guard let request = self.shutdown.pending() else { return }
            stop(request)
        }
    }

    /// Boot time spent waiting for dom0, in microseconds: for netback on every vif to
    /// connect, and for xenstored's answers. What the boot figures hold that is the
    /// host's, not ours.
    public var dom0WaitMicroseconds: UInt64 {
        var total = vif.backendWait &+ store.answerWait
        for more in moreInterfaces { total &+= more.device.backendWait }
        for port in portVifs { total &+= port.backendWait }
        return total / 1000
    }

    /// Writes `N us from the boot entry (M us of it waiting for dom0: netback, xenstored)`
    /// and a newline: the boot figure every image prints once its address is up. A
    /// second line splits it into phases: to Swift (page tables, heap), the xenbus
    /// handshake of vif 0 (mostly dom0's), the stack, and the rest (more vifs, listeners).
    public func writeUpTime() {
        let now = loop.now
        Console.write((now - bootInstant).nanoseconds / 1000)
        Console.write(" us from the boot entry (")
        Console.write(dom0WaitMicroseconds)
        Console.write(" us of it waiting for dom0: netback, xenstored)\nboot phases: to Swift ")
        Console.write((swiftStart - bootInstant).nanoseconds / 1000)
        Console.write(" us, vif 0 ")
        Console.write((vifConnected - swiftStart).nanoseconds / 1000)
        Console.write(" us (netback ")
        Console.write(vif.backendWait / 1000)
        Console.write(" us), stack ")
        Console.write((stackStarted - vifConnected).nanoseconds / 1000)
        Console.write(" us, then ")
        Console.write((now - stackStarted).nanoseconds / 1000)
        Console.write(" us\n")
    }

    /// Times the vCPU blocked in Xen for want of work.
    public var blocks: UInt64 { loop.platform.base.blocks }

    /// Frames the vif or the interface lost: backend errors, our receive errors, and
    /// transmit drops on a full ring.
    public var deviceLosses: UInt64 {
        var total = vif.receiveErrors &+ vif.transmitErrors &+ interface.transmitDrops
        for more in moreInterfaces { total &+= more.device.receiveErrors &+ more.device.transmitErrors &+ more.transmitDrops }
        for port in portVifs { total &+= port.receiveErrors &+ port.transmitErrors }
        return total
    }
}
