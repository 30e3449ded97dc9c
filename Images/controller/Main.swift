import CUnikernel
import Controller
import ControllerHost
import Devices
import NetStack
import NetStackHost
import Scheduler
import UnikernelHost
import Wire

/// The OpenFlow 1.0 controller appliance: `ControllerHost` with the learning switch (or
/// the hub) accepting switches on TCP 6653 of NetStack over Xen netfront, until `xl
/// shutdown` powers it off. Command line: `ip=A/N [gw=G]` or `dhcp`, `app=learning|hub`,
/// `port=N`; anything else crashes the domain with the reason on the console.
@_cdecl("unikernel_main")
func unikernelMain() {
    var words = BootArguments.current
    let network: NetworkArguments
    let app: ImageApp
    var port: UInt16 = 6653
    do throws(BootArgumentError) {
        network = try NetworkArguments(taking: &words)
        let name = words.take("app=")
        guard let chosen = ImageApp(named: name) else {
            throw BootArgumentError(word: name ?? [], reason: "app= is learning or hub")
        }
        app = chosen
        if let value = words.take("port=") {
            guard let number = BootArguments.decimal(value, limit: 65535), number > 0 else {
                throw BootArgumentError(word: value, reason: "port= wants 1 to 65535")
            }
            port = UInt16(number)
        }
        try words.checkAllTaken()
    } catch {
        error.fail("controller")
    }

    let platform = XenPlatform()
    let entered = platform.bootInstant
    let store = XenStore(platform: platform)
    let grants = GrantTable()
    let vif: Netfront
    do throws(NetfrontError) { vif = try Netfront(index: 0, store: store, grants: grants, platform: platform) } catch {
        Shutdown.panic("controller: vif 0 did not connect")
    }
    let shutdown: ShutdownRequests
    do throws(XenStoreError) { shutdown = try ShutdownRequests(store: store) } catch {
        Shutdown.panic("controller: cannot watch control/shutdown")
    }
    let soft = SoftReadiness()
    var base = platform
    base.register(port: vif.port, token: Tokens.vif)
    base.register(port: store.port, token: Tokens.store)
    let loop = RunLoop(platform: SoftPlatform(base: base, soft: soft))

    var configuration = NetStackConfiguration(mac: vif.macAddress, mtu: vif.mtu)
    if let address = network.address {
        configuration.address = address
        configuration.prefixLength = network.prefixLength
        configuration.gateway = network.gateway
    }
    var seed: UInt64 = 0
    withUnsafeMutableBytes(of: &seed) { arc4random_buf($0.baseAddress, $0.count) }
    var limits = TCPLimits()
    limits.mss = vif.mtu - 40
    let interface = NetInterface(
        device: vif, stack: NetStack(configuration: configuration, tcpLimits: limits, seed: seed), loop: loop, soft: soft,
        deviceToken: Tokens.vif)
    interface.start()
    let host: ControllerHost<ImageApp, NetTCPListener<Netfront, SoftPlatform<XenPlatform>>, SoftPlatform<XenPlatform>>
    do throws(StreamError) {
        host = try ControllerHost(
            loop: loop, listener: NetTCPListener(port: port, interface: interface), app: app, log: { record in
                guard record.level >= .info else { return }
                Console.write("controller: ")
                Console.write(record.message)
                Console.write("\n")
            })
    } catch {
        Shutdown.panic("controller: cannot listen")
    }
    if network.dhcp {
        do throws(NetError) { try interface.startDHCP(seed: seed &+ 1) } catch { Shutdown.panic("controller: cannot start DHCP") }
    }
    uk_seal_page_tables()

    var announced = false
    func announce() {
        guard !announced, interface.stack.address != .any else { return }
        announced = true
        Console.write("controller: listening on ")
        Console.write(interface.stack.address)
        Console.write(":")
        Console.write(UInt64(port))
        Console.write(" after ")
        Console.write((loop.now - entered).nanoseconds / 1000)
        Console.write(" us\n")
    }
    announce()
    interface.onLease = { _ in announce() }
    loop.register(token: Tokens.store) { _ in
        guard shutdown.pending() != nil else { return }
        Console.write("controller: shutdown requested\n")
        host.stop()
    }
    host.run()
    let counters = host.core.counters
    let heap = HeapStatistics.current
    Console.write("controller: ")
    Console.write(counters.packetIns)
    Console.write(" packet_ins, ")
    Console.write(counters.flowMods)
    Console.write(" flow_mods, ")
    Console.write(counters.packetOuts)
    Console.write(" packet_outs; heap peak ")
    Console.write(heap.peakBytes)
    Console.write(" of ")
    Console.write(heap.heapBytes)
    Console.write(" bytes\n")
    Shutdown.poweroff()
}

enum Tokens {
    static let vif: UInt64 = 8
    static let store: UInt64 = 9
}
