import CUnikernel
import Devices
import NetStack
import NetStackHost
import OpenFlow
import Scheduler
import Switch
import SwitchAppliance
import UnikernelHost
import Wire

/// The OpenFlow 1.0 switch (or firewall middlebox) appliance: `SwitchAppliance` with vifs
/// 1, 2, ... as OpenFlow ports 1, 2, ..., and its control channel over NetStack on vif 0
/// (the management vif) to the controllers the command line names. Flows can come from
/// the domain's ramdisk at boot, so it also works with no controller. Command line:
/// `ip=A/N [gw=G]` or `dhcp`, then `controller=A.B.C.D[:PORT]`, `fail=secure|standalone`,
/// `listen=PORT`, `dpid=HEX`; anything else crashes the domain with the reason on the
/// console. `xl shutdown` stops it.
@_cdecl("unikernel_main")
func unikernelMain() {
    var words = BootArguments.current
    let addressing: NetworkArguments
    let arguments: SwitchArguments
    do throws(BootArgumentError) {
        addressing = try NetworkArguments(taking: &words)
        if !addressing.moreInterfaces.isEmpty {
            throw BootArgumentError(word: [], reason: "vif1= to vif3= do not apply: the switch's vifs after vif 0 are its ports")
        }
        arguments = try SwitchArguments(taking: &words)
        try words.checkAllTaken()
    } catch {
        error.fail("switch")
    }
    let flows = BootFlows.load()

    // A few controller and ovs-ofctl connections: 64 KB each way is plenty on a LAN,
    // and 16 slots (each set up at boot) are plenty of them.
    var tcp = TCPLimits()
    tcp.maxConnections = 16
    tcp.sendBuffer = 64 * 1024
    tcp.receiveBuffer = 64 * 1024
    let network = XenNetwork(addressing, portVifs: true, tcp: tcp)
    let interface = network.interface
    typealias Listener = NetTCPListener<Netfront, XenNetwork.Platform>
    var listener: Listener?
    if let port = arguments.listenPort {
        do throws(StreamError) { listener = try Listener(port: port, interface: interface) } catch {
            Shutdown.panic("switch: cannot listen")
        }
    }
    var datapathSettings = DatapathSettings()
    datapathSettings.datapathID = arguments.datapathID ?? network.vif.macAddress.rawValue
    var seed: UInt64 = 0
    withUnsafeMutableBytes(of: &seed) { arc4random_buf($0.baseAddress, $0.count) }
    datapathSettings.hashSeed = seed
    var agentSettings = AgentSettings()
    agentSettings.failMode = arguments.failMode
    agentSettings.controllers = arguments.controllerNames
    var ports: [SwitchAppliance<Netfront, Listener, XenNetwork.Platform>.PortSpec] = []
    for device in network.portVifs {
        ports.append(.init(device: device, token: XenNetwork.portToken(device.index), name: "vif" + String(device.index)))
    }
    let controllers = arguments.controllers
    let appliance: SwitchAppliance<Netfront, Listener, XenNetwork.Platform>
    do throws(StreamError) {
        appliance = try SwitchAppliance(
            loop: network.loop, datapath: datapathSettings, agent: agentSettings, ports: ports, listener: listener,
            connect: { (index) throws(StreamError) in
                try interface.connect(to: controllers[index].address, port: controllers[index].port)
            },
            log: { record in
                guard record.level >= .info else { return }
                Console.write("switch: ")
                Console.write(record.message)
                Console.write("\n")
            })
    } catch {
        Shutdown.panic("switch: cannot watch the listener")
    }
    let now = network.loop.now
    appliance.withDatapath { BootFlows.install(flows, into: &$0, now: now) }

    network.start(
        addressUp: {
            Console.write("switch: ")
            Console.write(ports.count)
            Console.write(" ports, ")
            Console.write(flows.count)
            Console.write(" flows from the ramdisk, management ")
            Console.write(interface.stack.address)
            if let port = arguments.listenPort {
                Console.write(", listening on ")
                Console.write(UInt64(port))
            }
            Console.write(", up after ")
            network.writeUpTime()
        },
        stop: { _ in
            Console.write("switch: shutdown requested\n")
            appliance.stop()
        })
    appliance.run()
    let datapath = appliance.agent.datapath
    for port in datapath.ports {
        Console.write("switch: ")
        Console.write(port.description.name)
        Console.write(" rx ")
        Console.write(port.stats.rxPackets)
        Console.write(" tx ")
        Console.write(port.stats.txPackets)
        Console.write(" packets\n")
    }
    let table = datapath.tableStats[0]
    let heap = HeapStatistics.current
    Console.write("switch: ")
    Console.write(table.lookupCount)
    Console.write(" lookups, ")
    Console.write(table.matchedCount)
    Console.write(" matched, ")
    Console.write(datapath.counters.packetIns)
    Console.write(" packet_ins, ")
    Console.write(datapath.flowCount)
    Console.write(" flows; heap peak ")
    Console.write(heap.peakBytes)
    Console.write(" of ")
    Console.write(heap.heapBytes)
    Console.write(" bytes\n")
    Shutdown.poweroff()
}
