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
    Console.write("echo: connecting vif 0\n")
    let network = XenNetwork(arguments)
    let services = ServiceHost<NetTCPListener<Netfront, XenNetwork.Platform>, XenNetwork.Platform>(loop: network.loop)
    do throws(StreamError) {
        try services.serve(.echo, on: NetTCPListener(port: 7, interface: network.interface))
        try services.serve(.discard, on: NetTCPListener(port: 9, interface: network.interface))
        try services.serve(.chargen, on: NetTCPListener(port: 19, interface: network.interface))
    } catch {
        Shutdown.panic("echo: cannot listen")
    }
    // Allocations after this are the data path's (plus a few per TCP connection).
    var allocationsAtStart: UInt64 = 0
    network.start(
        addressUp: {
            Console.write("echo: network up ")
            Console.write(network.interface.stack.address)
            Console.write(" mac ")
            Console.write(network.vif.macAddress.description)
            Console.write(" after ")
            network.writeUpTime()
            allocationsAtStart = HeapStatistics.current.allocations
        },
        stop: { request in
            Console.write(request == .poweroff ? "echo: poweroff requested\n" : "echo: shutdown requested\n")
            network.loop.stop()
        })
    network.loop.run()
    let heap = HeapStatistics.current
    let counters = network.interface.stack.counters
    Console.write("echo: served ")
    Console.write(services.bytesIn)
    Console.write(" bytes in; ")
    Console.write(heap.allocations - allocationsAtStart)
    Console.write(" heap allocations since the network came up; heap peak ")
    Console.write(heap.peakBytes)
    Console.write(" of ")
    Console.write(heap.heapBytes)
    Console.write(" bytes, ")
    Console.write(heap.failures)
    Console.write(" failures; ")
    Console.write(counters.framesIn)
    Console.write(" frames in, ")
    Console.write(counters.framesOut)
    Console.write(" out, ")
    Console.write(network.deviceLosses)
    Console.write(" device errors or drops; ")
    Console.write(network.blocks)
    Console.write(" blocks\n")
    Shutdown.poweroff()
}
