import CUnikernel
import Devices
import NetStack
import NetStackHost
import Scheduler
import UnikernelHost
import Wire

/// The network test image: NetStack over Xen netfront, answering ping and serving TCP
/// echo (7), discard (9) and chargen (19), until `xl shutdown` powers it off. The lab
/// measures it against a Linux peer on the same bridge.
@_cdecl("unikernel_main")
func unikernelMain() {
    var words = BootArguments.current
    let arguments: NetworkArguments
    do throws(BootArgumentError) {
        arguments = try NetworkArguments(taking: &words)
        try words.checkAllTaken()
    } catch {
        error.fail("echo")
    }
    let platform = XenPlatform()
    let entered = platform.bootInstant
    Console.write("echo: booting\n")
    let store = XenStore(platform: platform)
    let grants = GrantTable()
    Console.write("echo: connecting vif 0\n")
    let vif: Netfront
    do throws(NetfrontError) { vif = try Netfront(index: 0, store: store, grants: grants, platform: platform) } catch {
        Shutdown.panic("echo: vif 0 did not connect")
    }
    let shutdown: ShutdownRequests
    do throws(XenStoreError) { shutdown = try ShutdownRequests(store: store) } catch {
        Shutdown.panic("echo: cannot watch control/shutdown")
    }
    let soft = SoftReadiness()
    var base = platform
    base.register(port: vif.port, token: Tokens.vif)
    base.register(port: store.port, token: Tokens.store)
    let loop = RunLoop(platform: SoftPlatform(base: base, soft: soft))

    var configuration = NetStackConfiguration(mac: vif.macAddress, mtu: vif.mtu)
    if let address = arguments.address {
        configuration.address = address
        configuration.prefixLength = arguments.prefixLength
        configuration.gateway = arguments.gateway
    }
    var seed: UInt64 = 0
    withUnsafeMutableBytes(of: &seed) { arc4random_buf($0.baseAddress, $0.count) }
    var limits = TCPLimits()
    limits.mss = vif.mtu - 40
    let interface = NetInterface(
        device: vif, stack: NetStack(configuration: configuration, tcpLimits: limits, seed: seed), loop: loop, soft: soft,
        deviceToken: Tokens.vif)
    interface.start()
    let services = ServiceHost<NetTCPListener<Netfront, SoftPlatform<XenPlatform>>, SoftPlatform<XenPlatform>>(loop: loop)
    do throws(StreamError) {
        for (service, port) in [(ServiceHost<NetTCPListener<Netfront, SoftPlatform<XenPlatform>>, SoftPlatform<XenPlatform>>.Service.echo, UInt16(7)), (.discard, 9), (.chargen, 19)] {
            try services.serve(service, on: NetTCPListener(port: port, interface: interface))
        }
    } catch {
        Shutdown.panic("echo: cannot listen")
    }
    if arguments.dhcp {
        do throws(NetError) { try interface.startDHCP(seed: seed &+ 1) } catch { Shutdown.panic("echo: cannot start DHCP") }
    }
    uk_seal_page_tables()

    var announced = false
    func announce() {
        guard !announced, interface.stack.address != .any else { return }
        announced = true
        Console.write("echo: network up ")
        Console.write(interface.stack.address.description)
        Console.write(" mac ")
        Console.write(vif.macAddress.description)
        Console.write(" after ")
        Console.write((loop.now - entered).nanoseconds / 1000)
        Console.write(" us from the boot entry\n")
    }
    announce()
    // Allocations from here on are the data path's (plus a few per TCP connection).
    let allocationsAtStart = HeapStatistics.current.allocations
    interface.onLease = { _ in announce() }
    loop.register(token: Tokens.store) { _ in
        guard let request = shutdown.pending() else { return }
        Console.write(request == .poweroff ? "echo: poweroff requested\n" : "echo: shutdown requested\n")
        loop.stop()
    }
    loop.run()
    let heap = HeapStatistics.current
    Console.write("echo: served ")
    Console.write(UInt64(services.bytesIn))
    Console.write(" bytes in; ")
    Console.write(heap.allocations - allocationsAtStart)
    Console.write(" heap allocations since the network came up; heap peak ")
    Console.write(heap.peakBytes)
    Console.write(" of ")
    Console.write(heap.heapBytes)
    Console.write(" bytes, ")
    Console.write(heap.failures)
    Console.write(" failures; ")
    Console.write(interface.stack.counters.framesIn)
    Console.write(" frames in, ")
    Console.write(interface.stack.counters.framesOut)
    Console.write(" out, ")
    Console.write(vif.receiveErrors &+ vif.transmitErrors &+ interface.transmitDrops)
    Console.write(" device errors or drops; ")
    Console.write(loop.platform.base.blocks)
    Console.write(" blocks\n")
    Shutdown.poweroff()
}

enum Tokens {
    static let vif: UInt64 = 8
    static let store: UInt64 = 9
}
