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
    let addressing: NetworkArguments
    let app: ImageApp
    var port: UInt16 = 6653
    do throws(BootArgumentError) {
        addressing = try NetworkArguments(taking: &words)
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

    // OpenFlow needs no large windows on a LAN. 64 KB each way per switch, reads of
    // 16 KB, and no reading past 64 KB of unsent output per switch keep every buffer
    // near its first size (the heap does not merge freed blocks, so buffers that double
    // their way up cost twice their size), and a 16-switch cbench run within 32 MB.
    // Up to 64 switches (the domain needs more than 32 MB for that many under load):
    // the stack sets up every connection slot at boot, so 1024 would only slow it.
    var tcp = TCPLimits()
    tcp.maxConnections = 64
    tcp.sendBuffer = 64 * 1024
    tcp.receiveBuffer = 64 * 1024
    var settings = ControllerSettings()
    settings.outputHighWater = 64 * 1024
    settings.outputLimit = 1 << 20
    let network = XenNetwork(addressing, tcp: tcp)
    let interface = network.interface
    let host: ControllerHost<ImageApp, NetTCPListener<Netfront, XenNetwork.Platform>, XenNetwork.Platform>
    do throws(StreamError) {
        host = try ControllerHost(
            loop: network.loop, listener: NetTCPListener(port: port, interface: interface), app: app, settings: settings,
            readBudget: 16 * 1024, log: { record in
                guard record.level >= .info else { return }
                Console.write("controller: ")
                Console.write(record.message)
                Console.write("\n")
            })
    } catch {
        Shutdown.panic("controller: cannot listen")
    }
    network.start(
        addressUp: {
            Console.write("controller: listening on ")
            Console.write(interface.stack.address)
            Console.write(":")
            Console.write(UInt64(port))
            Console.write(" after ")
            network.writeUpTime()
        },
        stop: { _ in
            Console.write("controller: shutdown requested\n")
            host.stop()
        })
    host.run()
    let counters = host.counters
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
