import ArgumentParser
import OpenFlow
import LinuxPlatform
import TLS

/// `ofbench`: a cbench-compatible OpenFlow 1.0 controller benchmark. Same flags, same
/// defaults, same output, so a script can run either.
@main
struct OFBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ofbench",
        abstract: "Benchmark an OpenFlow 1.0 controller the way cbench does.",
        discussion: """
            Emulates switches that connect to the controller, complete the handshake, then \
            send PACKET_INs: one at a time per switch (latency mode, the default) or as many as \
            the socket takes (-t, throughput mode). A response is a PACKET_OUT (unless it \
            carries LLDP) or a FLOW_MOD with command ADD or MODIFY_STRICT, as cbench counts. \
            Each loop prints the responses per switch and the total per ms; each test ends with \
            "RESULT: N switches T tests min/max/avg/stdev = ... responses/s". It exits with \
            status 1 if the controller refuses a connection or closes one during the run.
            """,
        version: FrameworkVersion.string)

    @Option(name: [.customShort("c", allowingJoined: true), .customLong("controller")], help: "Hostname of the controller to connect to.")
    var controller = "localhost"

    @Option(name: [.customShort("p", allowingJoined: true), .customLong("port")], help: "Controller port (6653, the IANA OpenFlow port ofcontroller listens on; cbench itself defaults to 6633).")
    var port: UInt16 = 6653

    @Option(name: [.customShort("m", allowingJoined: true), .customLong("ms-per-test")], help: "Test (loop) length in ms.")
    var msPerTest = 1000

    @Option(name: [.customShort("l", allowingJoined: true), .customLong("loops")], help: "Loops per test.")
    var loops = 16

    @Option(name: [.customShort("s", allowingJoined: true), .customLong("switches")], help: "Number of switches to emulate.")
    var switches = 16

    @Option(name: [.customShort("M", allowingJoined: true), .customLong("mac-addresses")], help: "Unique source MAC addresses per switch.")
    var macAddresses = 100_000

    @Flag(name: [.customShort("t"), .customLong("throughput")], help: "Test throughput instead of latency.")
    var throughput = false

    @Option(name: [.customShort("w", allowingJoined: true), .customLong("warmup")], help: "Loops to disregard at the start of each test.")
    var warmup = 1

    @Option(name: [.customShort("C", allowingJoined: true), .customLong("cooldown")], help: "Loops to disregard at the end of each test.")
    var cooldown = 0

    @Option(name: [.customShort("D", allowingJoined: true), .customLong("delay")], help: "Delay (ms) after FEATURES_REPLY before testing; added to the first loop and not counted.")
    var delay = 0

    @Option(name: [.customShort("i", allowingJoined: true), .customLong("connect-delay")], help: "Delay (ms) between groups of switches connecting.")
    var connectDelay = 0

    @Option(name: [.customShort("I", allowingJoined: true), .customLong("connect-group-size")], help: "Switches per connection delay group.")
    var connectGroupSize = 1

    @Option(name: [.customShort("L", allowingJoined: true), .customLong("learn-dst-macs")], help: "Send a gratuitous ARP so the controller learns the destination MAC before testing (-L, -Loff, --learn-dst-macs=on).")
    var learnDstMacs = "on"

    @Option(name: [.customShort("o", allowingJoined: true), .customLong("dpid-offset")], help: "Datapath id of the first switch.")
    var dpidOffset = 1

    @Flag(name: [.customShort("r"), .customLong("ranged-test")], help: "Test 1, 2, ... N switches in turn.")
    var rangedTest = false

    @Flag(name: [.customShort("d"), .customLong("debug")], help: "Print handshake events on stderr.")
    var debug = false

    @Flag(name: .customLong("ssl"), help: "Speak TLS to the controller (its pssl: port), with --private-key, --certificate and --ca-cert.")
    var ssl = false

    @OptionGroup var tlsFlags: TLSFlags

    @Option(name: .customLong("handshakes"), help: ArgumentHelp("Instead of the tests, time N handshakes one after another (TCP, TLS with --ssl, HELLO, FEATURES) and print the rate.", valueName: "N"))
    var handshakes = 0

    static func main() {
        main(CbenchArguments.normalized(Array(CommandLine.arguments.dropFirst())))
    }

    func validate() throws {
        guard warmup + cooldown < loops else {
            throw ValidationError("warmup(\(warmup)) + cooldown(\(cooldown)) >= number of tests (\(loops))")
        }
        guard switches > 0, msPerTest > 0, macAddresses > 0, connectGroupSize > 0 else {
            throw ValidationError("switches, ms-per-test, mac-addresses and connect-group-size must be positive")
        }
        try tlsFlags.validate(tlsTarget: ssl ? "--ssl" : nil)
        guard handshakes >= 0 else { throw ValidationError("--handshakes must be 0 or more") }
        guard warmup >= 0, cooldown >= 0, delay >= 0, connectDelay >= 0, dpidOffset >= 0 else {
            throw ValidationError("warmup, cooldown, delays and dpid-offset cannot be negative")
        }
    }

    func run() throws {
        var settings = Settings(
            controllerHost: controller, controllerPort: port, millisecondsPerTest: msPerTest,
            loops: loops, switches: switches, macsPerSwitch: macAddresses,
            mode: throughput ? .throughput : .latency, warmup: warmup, cooldown: cooldown,
            delayMilliseconds: delay, connectDelayMilliseconds: connectDelay,
            connectGroupSize: connectGroupSize, learnDestinationMACs: CbenchArguments.isOn(learnDstMacs),
            dpidOffset: dpidOffset, ranged: rangedTest, debug: debug)
        settings.tls = try tlsFlags.context(side: .client)
        settings.handshakes = handshakes
        Console.note(Report.banner(settings))
        do throws(SocketError) {
            try raiseFileLimit()
            try Benchmark(settings: settings).run()
        } catch {
            Console.fail(error.description)
        }
    }
}
