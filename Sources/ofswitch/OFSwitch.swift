import ArgumentParser
import DirectNetwork
import Foundation
import Glibc
import HTTPService
import LinuxPlatform
import Logging
import OpenFlow
import Scheduler
import Switch
import SwitchHost
import SwitchMetrics
import TLS
import Wire

/// `ofswitch`: the OpenFlow 1.0 software switch appliance over Linux interfaces.
@main
struct OFSwitch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ofswitch",
        abstract: "An OpenFlow 1.0 software switch over Linux interfaces and pcap files.",
        discussion: """
            Each --port becomes an OpenFlow port, numbered 1, 2, 3... in the order given: a \
            network interface (read and written through a packet socket, promiscuous; needs \
            root), replay:FILE (the frames of a pcap or pcapng file enter the switch once it \
            is ready, paced by their timestamps with --replay-speed) or record:FILE (frames sent out of the port are written to a pcap file). \
            On veth pairs turn offloads off on both ends (ethtool -K IFACE tx off tso off gso \
            off gro off), as for Open vSwitch's userspace datapath. Examples:
              ofswitch --port eth1 --port eth2 --controller tcp:127.0.0.1:6653
              ofswitch --port veth1 --port veth2 --listen ptcp:6634   # drive it with ovs-ofctl
            With no controller, a table miss takes the NORMAL path (a learning switch). With \
            controllers, --fail secure keeps the flows and drops misses while none is \
            connected; --fail standalone acts as a learning switch until one returns. SIGINT \
            or SIGTERM closes everything (a record file is completed) and exits 0.
            """,
        version: FrameworkVersion.string)

    @Option(name: .customLong("port"), help: ArgumentHelp("A port: IFACE, replay:FILE or record:FILE (repeatable).", valueName: "PORT"))
    var ports: [String] = []

    @Option(
        name: .customLong("port-io"),
        help: "How interface ports move frames: ring (PACKET_MMAP rings shared with the kernel) or mmsg (recvmmsg and sendmmsg).")
    var portIO: PacketIO = .ring

    @Option(name: .customLong("queue"), help: ArgumentHelp("A queue for ENQUEUE on port PORT (repeatable); MIN_RATE in tenths of a percent. Counted and reported, not shaped.", valueName: "PORT:QUEUE[:MIN_RATE]"))
    var queues: [String] = []

    @Option(name: .customLong("controller"), help: ArgumentHelp("A controller to connect to (repeatable): tcp:HOST[:PORT], or ssl:HOST[:PORT] for TLS.", valueName: "TARGET"))
    var controllers: [String] = []

    @Option(name: .customLong("listen"), help: ArgumentHelp("Accept service connections (ovs-ofctl) here: ptcp:PORT[:HOST], or pssl:PORT[:HOST] for TLS; HOST defaults to 127.0.0.1.", valueName: "TARGET"))
    var listen: String?

    @OptionGroup var tlsFlags: TLSFlags

    @Option(name: .customLong("metrics"), help: ArgumentHelp("Serve Prometheus /metrics over HTTP here (HOST defaults to 127.0.0.1).", valueName: "[HOST:]PORT"))
    var metrics: String?

    @Option(name: .customLong("flows"), help: ArgumentHelp("Flows to install at start: one per line in ovs-ofctl syntax, # comments (the switch image reads the same from its ramdisk).", valueName: "FILE"))
    var flowsFile: String?

    @Option(name: .customLong("write-flow-mods"), help: ArgumentHelp("Write the --flows as OpenFlow 1.0 FLOW_MOD messages to FILE and exit, with no --port: the switch image's ramdisk.", valueName: "FILE"))
    var flowModsFile: String?

    @Option(name: .customLong("fail"), help: "What to do while no controller is connected: secure or standalone.")
    var failMode: FailModeName = .secure

    @Option(name: .customLong("datapath-id"), help: ArgumentHelp("The datapath id, in hex (up to 16 digits).", valueName: "HEX"))
    var datapathID = "0000000000000001"

    @Option(name: .customLong("buffers"), help: ArgumentHelp("Packets held for the controller (n_buffers); 0 sends every packet_in whole.", valueName: "N"))
    var buffers = 256

    @Option(name: .customLong("max-flows"), help: ArgumentHelp("Flow table capacity.", valueName: "N"))
    var maxFlows = 65536

    @Option(name: .customLong("echo-interval"), help: ArgumentHelp("Silence after which the switch sends ECHO_REQUEST.", valueName: "SECONDS"))
    var echoInterval: Double = 5

    @Option(name: .customLong("echo-timeout"), help: ArgumentHelp("Silence after which a connection is closed.", valueName: "SECONDS"))
    var echoTimeout: Double = 15

    @Option(name: .customLong("status-interval"), help: ArgumentHelp("Seconds between status lines (0: none).", valueName: "SECONDS"))
    var statusInterval: Double = 10

    @Flag(name: .customLong("exit-after-replay"), help: "Exit once every replay:FILE port has been read to its end.")
    var exitAfterReplay = false

    @Option(
        name: .customLong("replay-speed"),
        help: ArgumentHelp("Pace replay:FILE ports by their timestamps: 1 the recorded rate, 2 twice as fast; 0 as fast as possible.", valueName: "X"))
    var replaySpeed: Double = 0

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    @OptionGroup var netFlags: NetFlags

    func validate() throws {
        if flowModsFile != nil {
            guard flowsFile != nil else { throw ValidationError("--write-flow-mods writes the --flows: give --flows FILE") }
            guard ports.isEmpty else { throw ValidationError("--write-flow-mods runs no switch: leave out --port") }
            _ = try bootFlows()
            return
        }
        guard !ports.isEmpty else { throw ValidationError("give at least one --port") }
        guard ports.count <= 0xff00 else { throw ValidationError("too many ports for OpenFlow 1.0") }
        for port in ports where PortSpec(parsing: port) == nil {
            throw ValidationError("--port takes an interface name, replay:FILE or record:FILE, got '\(port)'")
        }
        var seen = Set<String>()
        for text in queues {
            guard let queue = QueueSpec(parsing: text), (1...ports.count).contains(queue.port) else {
                throw ValidationError("--queue takes PORT:QUEUE[:MIN_RATE] with PORT one of the --port numbers (1...\(ports.count)), QUEUE below 0xffffffff and MIN_RATE at most 1000, got '\(text)'")
            }
            guard seen.insert("\(queue.port):\(queue.queue.queueID)").inserted else {
                throw ValidationError("--queue \(text): that port already has that queue")
            }
        }
        for controller in controllers {
            guard let endpoint = Endpoint(parsing: controller), endpoint.kind == .active else {
                throw ValidationError("--controller takes tcp:HOST[:PORT] or ssl:HOST[:PORT], got '\(controller)'")
            }
        }
        if let listen {
            guard let endpoint = Endpoint(parsing: listen), endpoint.kind == .passive else {
                throw ValidationError("--listen takes ptcp:PORT[:HOST] or pssl:PORT[:HOST], got '\(listen)'")
            }
        }
        if let metrics, Self.metricsAddress(metrics) == nil {
            throw ValidationError("--metrics takes [HOST:]PORT, got '\(metrics)'")
        }
        let secure = (controllers + [listen].compactMap { $0 }).first { Endpoint(parsing: $0)!.secure }
        try tlsFlags.validate(tlsTarget: secure)
        if exitAfterReplay, !ports.contains(where: { $0.hasPrefix("replay:") }) {
            throw ValidationError("--exit-after-replay needs a replay:FILE port")
        }
        guard replaySpeed.isFinite, replaySpeed >= 0 else { throw ValidationError("--replay-speed must be 0 or more") }
        guard parsedDatapathID != nil else { throw ValidationError("--datapath-id takes up to 16 hex digits, got '\(datapathID)'") }
        guard (0...65536).contains(buffers) else { throw ValidationError("--buffers must be between 0 and 65536") }
        guard (1...10_000_000).contains(maxFlows) else { throw ValidationError("--max-flows must be between 1 and 10000000") }
        for (name, value) in [("--echo-interval", echoInterval), ("--echo-timeout", echoTimeout)] {
            guard value > 0, value < 1e6 else { throw ValidationError("\(name) must be a positive number of seconds") }
        }
        guard statusInterval >= 0, statusInterval < 1e6 else { throw ValidationError("--status-interval must be 0 or more seconds") }
        _ = try bootFlows()
        if netFlags.net != nil {
            guard !controllers.isEmpty else { throw ValidationError("--net is for the controller connections: give a --controller") }
            for controller in controllers where IPv4Address(Endpoint(parsing: controller)!.host[...]) == nil {
                throw ValidationError("with --net, --controller takes tcp:IPV4ADDRESS:PORT (there is no resolver), got '\(controller)'")
            }
        }
    }

    /// The --flows file's flows (none without it); a file that cannot be read or a line
    /// that does not parse is a bad argument, named with its line.
    private func bootFlows() throws -> [FlowMod] {
        guard let flowsFile else { return [] }
        let text: String
        do {
            text = try String(contentsOfFile: flowsFile, encoding: .utf8)
        } catch {
            throw ValidationError("cannot read the flows file \(flowsFile): \(error.localizedDescription)")
        }
        do throws(FlowListError) {
            return try FlowSyntax.parseFlowList(text)
        } catch {
            throw ValidationError("\(flowsFile): \(error)")
        }
    }

    /// The --flows as FLOW_MOD messages (xid: the flow's number), one file the switch image
    /// installs from its ramdisk with no parser of its own.
    private func writeFlowMods(to path: String) throws {
        var bytes: [UInt8] = []
        for (index, flow) in try bootFlows().enumerated() {
            bytes += try OpenFlowMessage(xid: UInt32(index + 1), .flowMod(flow)).encoded()
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw ValidationError("cannot write \(path)")
        }
    }

    private var parsedDatapathID: UInt64? {
        var digits = Substring(datapathID)
        if digits.hasPrefix("0x") { digits = digits.dropFirst(2) }
        guard (1...16).contains(digits.count) else { return nil }
        return UInt64(digits, radix: 16)
    }

    func run() throws {
        if let flowModsFile { return try writeFlowMods(to: flowModsFile) }
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "ofswitch")

        var opened: [any FramePort] = []
        for (index, text) in ports.enumerated() {
            do {
                opened.append(try PortSpec(parsing: text)!.open(number: index + 1, io: portIO, replaySpeed: replaySpeed))
            } catch {
                // A port that cannot be opened is a bad argument: the run never started.
                logger.critical("\(error)")
                throw ExitCode(64)
            }
        }

        var datapath = DatapathSettings()
        datapath.datapathID = parsedDatapathID!
        datapath.bufferCount = buffers
        datapath.tableCapacity = maxFlows
        datapath.hashSeed = UInt64.random(in: .min ... .max)
        var agent = AgentSettings()
        agent.failMode = failMode.mode
        agent.echoInterval = Interval(nanoseconds: UInt64(echoInterval * 1e9))
        agent.echoTimeout = Interval(nanoseconds: UInt64(echoTimeout * 1e9))
        var options = SwitchLoop.Options(listen: listen.flatMap(Endpoint.init(parsing:)))
        options.stopAfterReplay = exitAfterReplay
        if controllers.contains(where: { $0.hasPrefix("ssl:") }) { options.tlsClient = try tlsFlags.context(side: .client) }
        if listen?.hasPrefix("pssl:") == true { options.tlsServer = try tlsFlags.context(side: .server) }
        if metrics != nil { options.metrics = SwitchMetricsBoard() }
        for queue in queues.compactMap(QueueSpec.init(parsing:)) {
            options.queues[queue.port, default: []].append(queue.queue)
        }
        options.statusInterval = statusInterval > 0 ? Interval(nanoseconds: UInt64(statusInterval * 1e9)) : nil

        var transport: SwitchLoop.Transport?
        if let networkOptions = try netFlags.options() {
            do throws(DirectNetworkError) {
                let network = try DirectNetwork(networkOptions, seed: UInt64.random(in: .min ... .max))
                network.interface.onLease = { event in
                    if case .bound(let lease) = event { logger.info("DHCP: bound \(lease.address)/\(lease.prefixLength)") }
                    if case .lost = event { logger.warning("DHCP: lease lost; asking again") }
                }
                logger.info("controller channel on our own TCP/IP stack on \(network.summary)")
                transport = .direct(network)
            } catch {
                logger.critical("\(error.description)")
                throw ExitCode(64)  // the --net device cannot be opened: the run never started
            }
        }

        let loop: SwitchLoop
        do throws(SocketError) {
            let signals = try SignalSource([SIGINT, SIGTERM])
            loop = try SwitchLoop(
                datapath: datapath, agent: agent, controllers: controllers.compactMap(Endpoint.init(parsing:)),
                ports: opened, options: options, logger: logger, transport: transport)
            try loop.stopOnSignals(signals)
        } catch {
            logger.critical("\(error.description)")
            throw ExitCode.failure
        }
        let flows = try bootFlows()
        do throws(DatapathError) {
            try loop.install(flows)
        } catch {
            logger.critical("--flows \(flowsFile ?? ""): the datapath refused a flow (\(error.code)); is --max-flows too small?")
            throw ExitCode(64)
        }
        let portList = zip(1..., ports).map { "\($0)=\($1)" }.joined(separator: " ")
        let scheme = listen?.hasPrefix("pssl:") == true ? "pssl" : "ptcp"
        let listening = loop.listenPort.map { ", listening on \(scheme):\($0)" } ?? ""
        let installed = flowsFile.map { ", \(flows.count) flows from \($0)" } ?? ""
        var server: HTTPService?
        if let board = options.metrics, let address = metrics.flatMap(Self.metricsAddress) {
            do throws(HTTPServiceError) {
                server = try MetricsServer.start(
                    host: address.host, port: address.port, meters: SwitchMeters(board: board), logger: logger)
            } catch {
                logger.critical("\(error.description)")
                throw ExitCode.failure
            }
            logger.info("Prometheus /metrics on http://\(address.host):\(address.port)")
        }
        logger.info("ofswitch: running, datapath \(datapathID), ports \(portList)\(listening), fail \(failMode.rawValue)\(installed)")
        loop.run()
        server?.stop()
    }

    /// `--metrics [HOST:]PORT`; HOST defaults to loopback, as the switch's listeners do.
    static func metricsAddress(_ text: String) -> (host: String, port: Int)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, let port = UInt16(parts.last!), port > 0 else { return nil }
        let host = parts.count == 2 && !parts[0].isEmpty ? String(parts[0]) : "127.0.0.1"
        return (host, Int(port))
    }
}

enum FailModeName: String, CaseIterable, ExpressibleByArgument {
    case secure, standalone

    var mode: FailMode {
        switch self {
        case .secure: .secure
        case .standalone: .standalone
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
