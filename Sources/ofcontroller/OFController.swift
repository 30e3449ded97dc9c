import ArgumentParser
import Controller
import ControllerREST
import DirectNetwork
import Foundation
import HTTPService
import LinuxPlatform
import Logging
import OpenFlow
import Scheduler
import TLS

/// `ofcontroller`: the OpenFlow 1.0 controller appliance. With no flags it runs the
/// learning switch on 0.0.0.0:6653.
@main
struct OFController: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ofcontroller",
        abstract: "An OpenFlow 1.0 controller: learning switch, hub, firewall, static flows, stats monitor, topology.",
        discussion: """
            Switches connect over TCP, or over TLS with --listen pssl:PORT and --private-key, \
            --certificate and --ca-cert (as Open vSwitch spells them). Each --app adds an app to the chain, in order: an event \
            goes to each app in turn until one consumes it. Without --app the chain is the \
            learning switch. Examples:
              ofcontroller                  # the learning switch on 0.0.0.0:6653
              ofcontroller --app firewall --firewall-rules samples/firewall.rules --app learning
              ofcontroller --app static --static-flows samples/static.flows --app monitor
              ofcontroller --app topology       # LLDP discovery, shortest paths, loop-free floods
              ofcontroller --rest 127.0.0.1:8080  # Ryu's ofctl_rest paths and Prometheus /metrics
            Firewall rules: one per line, `allow|deny MATCH` in ovs-ofctl syntax, and an \
            optional `default allow|deny`. Static flows: one ovs-ofctl flow per line. SIGINT \
            or SIGTERM closes the listener and every connection and exits 0.
            """,
        version: FrameworkVersion.string)

    @Option(name: .customLong("listen"), help: ArgumentHelp("Where to listen: HOST:PORT or PORT (plain TCP), ptcp:PORT[:HOST], or pssl:PORT[:HOST] for TLS.", valueName: "ADDRESS"))
    var listen = ListenAddress.standard.description

    @OptionGroup var tlsFlags: TLSFlags

    @Option(name: .customLong("allow-datapath"), help: ArgumentHelp("Only this datapath id may connect (repeatable; hex, as ovs-ofctl prints it).", valueName: "DPID"))
    var allowedDatapaths: [String] = []

    @Option(name: .customLong("allow-subject"), help: ArgumentHelp("With pssl: only a certificate with this Common Name may connect (repeatable; a trailing * matches any rest).", valueName: "CN"))
    var allowedSubjects: [String] = []

    @Option(name: .customLong("max-per-source"), help: ArgumentHelp("Connections kept from one source address (0: no limit).", valueName: "N"))
    var maxPerSource = ControllerSettings().connectionsPerSource

    @Option(name: .customLong("max-handshakes"), help: ArgumentHelp("Handshakes in progress kept at once; past it a new connection closes the oldest that said nothing for 1 s (0: no limit).", valueName: "N"))
    var maxHandshakes = ControllerSettings().handshakesInProgress

    @Option(name: .customLong("app"), help: ArgumentHelp("An app to add to the chain (repeatable, in chain order).", valueName: "NAME"))
    var apps: [AppName] = []

    @Option(name: .customLong("firewall-rules"), help: ArgumentHelp("Rules file for the firewall app.", valueName: "FILE"))
    var firewallRules: String?

    @Option(name: .customLong("static-flows"), help: ArgumentHelp("Flows file for the static app.", valueName: "FILE"))
    var staticFlows: String?

    @Option(name: .customLong("monitor-interval"), help: ArgumentHelp("Seconds between the monitor app's stats polls.", valueName: "SECONDS"))
    var monitorInterval: Double = 10

    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp("Idle timeout of the learning switch's and the topology app's flows.", valueName: "SECONDS"))
    var idleTimeout: UInt16 = 60

    @Option(name: .customLong("miss-send-len"), help: ArgumentHelp("miss_send_len sent to switches in SET_CONFIG.", valueName: "BYTES"))
    var missSendLength: UInt16 = SwitchConfig.defaultMissSendLength

    @Option(name: .customLong("echo-interval"), help: ArgumentHelp("Idle time before an ECHO_REQUEST is sent.", valueName: "SECONDS"))
    var echoInterval: Double = 5

    @Option(name: .customLong("echo-timeout"), help: ArgumentHelp("Silence after which a switch is disconnected.", valueName: "SECONDS"))
    var echoTimeout: Double = 15

    @Option(name: .customLong("status-interval"), help: ArgumentHelp("Seconds between status lines (0: none).", valueName: "SECONDS"))
    var statusInterval: Double = 10

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: LogLevelName = .info

    @Option(name: .customLong("threads"), help: ArgumentHelp("Loops, each on its own thread and SO_REUSEPORT listener, sharing one datapath registry.", valueName: "N"))
    var threads = 1

    @Option(name: .customLong("role"), help: ArgumentHelp("Role asked of every switch (Nicira role request): master, slave or other.", valueName: "ROLE"))
    var role: ControllerRole?

    @Option(name: .customLong("etcd"), help: ArgumentHelp("etcd endpoints (comma-separated): elect mastership per switch with the other controllers on them.", valueName: "HOST:PORT,..."))
    var etcd: String?

    @Option(name: .customLong("etcd-prefix"), help: ArgumentHelp("etcd key prefix shared by the controllers of one HA group.", valueName: "PREFIX"))
    var etcdPrefix = "/ofcontroller"

    @Option(name: .customLong("etcd-ttl"), help: ArgumentHelp("Lease TTL: how long a dead master keeps its switches.", valueName: "SECONDS"))
    var etcdTTL = 2

    @Option(name: .customLong("name"), help: ArgumentHelp("This instance's name in etcd (default: HOSTNAME-PID).", valueName: "NAME"))
    var name: String?

    @Option(name: .customLong("rest"), help: ArgumentHelp("Serve Ryu's ofctl_rest paths and Prometheus /metrics over HTTP here (needs --threads 1).", valueName: "HOST:PORT"))
    var rest: String?

    @OptionGroup var netFlags: NetFlags

    func validate() throws {
        guard let address = ListenAddress(parsing: listen) else {
            throw ValidationError("--listen takes HOST:PORT, PORT, ptcp:PORT[:HOST] or pssl:PORT[:HOST], got '\(listen)'")
        }
        try tlsFlags.validate(tlsTarget: address.secure ? "--listen \(listen)" : nil)
        if !allowedSubjects.isEmpty, !address.secure { throw ValidationError("--allow-subject needs a pssl: listener") }
        for text in allowedDatapaths where DatapathID(parsing: text) == nil {
            throw ValidationError("--allow-datapath takes a datapath id in hex (00:00:00:00:00:00:00:01 or 1), got '\(text)'")
        }
        guard maxPerSource >= 0, maxHandshakes >= 0 else { throw ValidationError("--max-per-source and --max-handshakes take 0 or more") }
        guard threads >= 1, threads <= 256 else { throw ValidationError("--threads must be between 1 and 256") }
        for (name, value) in [("--monitor-interval", monitorInterval), ("--echo-interval", echoInterval), ("--echo-timeout", echoTimeout)] {
            guard value > 0, value < 1e6 else { throw ValidationError("\(name) must be a positive number of seconds") }
        }
        guard statusInterval >= 0, statusInterval < 1e6 else { throw ValidationError("--status-interval must be 0 or more seconds") }
        let chain = Set(apps.isEmpty ? [AppName.learning] : apps)
        // Each loop has its own apps, and a loop sees only its own switches' LLDP.
        if chain.contains(.topology), threads > 1 {
            throw ValidationError("--app topology needs the whole network in one loop: --threads must be 1")
        }
        // In an HA group the policy may come from etcd alone.
        if chain.contains(.firewall), firewallRules == nil, etcd == nil { throw ValidationError("--app firewall needs --firewall-rules FILE (or --etcd)") }
        if chain.contains(.static), staticFlows == nil, etcd == nil { throw ValidationError("--app static needs --static-flows FILE (or --etcd)") }
        if firewallRules != nil, !chain.contains(.firewall) { throw ValidationError("--firewall-rules is for --app firewall, which is not in the chain") }
        if staticFlows != nil, !chain.contains(.static) { throw ValidationError("--static-flows is for --app static, which is not in the chain") }
        if etcd != nil {
            guard threads == 1 else { throw ValidationError("--etcd runs one loop: --threads must be 1") }
            guard role == nil else { throw ValidationError("--etcd elects the roles: leave out --role") }
            guard netFlags.net == nil else { throw ValidationError("--etcd needs the kernel's TCP/IP stack: leave out --net") }
            guard EtcdCtl.executable != nil else { throw ValidationError("--etcd needs etcdctl (Debian's etcd-client) on the PATH") }
            guard etcdTTL >= 2, etcdTTL <= 3600 else { throw ValidationError("--etcd-ttl must be between 2 and 3600 seconds") }
            guard etcdPrefix.hasPrefix("/"), !etcdPrefix.contains(" ") else { throw ValidationError("--etcd-prefix must start with / and hold no space") }
        }
        if let rest {
            guard let restAddress = ListenAddress(parsing: rest), !restAddress.secure, !rest.hasPrefix("ptcp:") else {
                throw ValidationError("--rest takes HOST:PORT or PORT, got '\(rest)'")
            }
            // One loop holds every switch, and the REST commands run on it.
            guard threads == 1 else { throw ValidationError("--rest serves one loop: --threads must be 1") }
            guard netFlags.net == nil else { throw ValidationError("--rest needs the kernel's TCP/IP stack: leave out --net") }
        }
        if let name, name.isEmpty || name.contains(" ") || name.contains("/") {
            throw ValidationError("--name must be non-empty, with no space or /")
        }
        if netFlags.net != nil {
            guard threads == 1 else { throw ValidationError("--net runs one loop: --threads must be 1") }
            let host = ListenAddress(parsing: listen)!.host
            guard host == "0.0.0.0" || host == netFlags.ip?.split(separator: "/").first.map(String.init) else {
                throw ValidationError("with --net, --listen takes PORT or 0.0.0.0:PORT (the stack has one address)")
            }
        }
    }

    func run() throws {
        let level = logLevel.level
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "ofcontroller")
        let address = ListenAddress(parsing: listen)!
        let specs = try appSpecs()
        let settings = controllerSettings()
        let tls = try tlsFlags.context(side: .server, allowedSubjects: allowedSubjects)
        if let options = try netFlags.options() {
            let direct = DirectController(
                options: options, port: address.port, apps: specs, settings: settings, statusInterval: statusInterval,
                tls: tls)
            try direct.run(logger: logger)
            return
        }

        // Before any thread starts: block SIGINT and SIGTERM (the loop threads inherit
        // the mask, so only this thread's signalfd sees them), raise the fd limit, and
        // make the stop pipe every loop watches and, with several loops, their shared
        // datapath registry.
        let signals: SignalSource
        let fileLimit: Int
        let stop: WakePipe
        let registry: DatapathRegistry?
        do throws(SocketError) {
            signals = try SignalSource([SIGINT, SIGTERM])
            fileLimit = try raiseFileLimit()
            stop = try WakePipe()
            registry = threads > 1 ? try DatapathRegistry(loops: threads) : nil
        } catch {
            logger.critical("\(error.description)")
            throw ExitCode.failure
        }

        let metrics = rest == nil ? nil : ControllerMetrics()
        let mailbox: LoopMailbox?
        do throws(LoopMailbox.PipeError) {
            mailbox = rest == nil ? nil : try LoopMailbox()
        } catch {
            logger.critical("\(error.description)")
            throw ExitCode.failure
        }
        let group = etcd.map { endpoints in
            EtcdGroup(
                options: EtcdGroup.Options(
                    endpoints: endpoints, prefix: etcdPrefix, name: name ?? Self.defaultName, ttl: etcdTTL),
                logger: logger)
        }
        var loops: [ControllerLoopRunner] = []
        for index in 0..<threads {
            var loopLogger = logger
            if threads > 1 { loopLogger[metadataKey: "loop"] = "\(index)" }
            do throws(StreamError) {
                // With one loop, no SO_REUSEPORT: a second controller on the same port
                // then fails to bind instead of silently sharing the switches.
                loops.append(try makeControllerLoop(
                    listen: address, tls: tls, reusePort: threads > 1, apps: specs, settings: settings,
                    stop: stop, group: group, rest: mailbox, metrics: metrics,
                    registry: registry.map { RegistryLink($0, loop: index) }, logger: loopLogger))
            } catch {
                logger.critical("cannot listen on \(address): \(error.description)")
                throw ExitCode.failure
            }
        }
        // Forwarding apps consume packet_ins, so an app after one never sees them.
        let names = specs.map(\.name)
        if let forwarder = names.firstIndex(where: { [.hub, .learning, .topology, .null].contains($0) }),
            let late = names[(forwarder + 1)...].first(where: { [.firewall, .hub, .learning, .topology, .null].contains($0) })
        {
            logger.warning("--app \(late.rawValue) comes after --app \(names[forwarder].rawValue), which consumes every packet_in first")
        }
        let port = loops[0].port
        logger.info("""
            listening on \(address.secure ? "pssl:\(port):\(address.host) (TLS)" : "\(address.host):\(port)"), apps: \(specs.map(\.name.rawValue).joined(separator: " > ")), \
            \(threads) loop\(threads == 1 ? "" : "s"), fd limit \(fileLimit)
            """)

        let statistics = loops.map(\.statistics)
        var restService: HTTPService?
        if let rest, let mailbox {
            do throws(HTTPServiceError) {
                restService = try RESTRouter.start(ListenAddress(parsing: rest)!, mailbox: mailbox, metrics: metrics!, logger: logger)
            } catch {
                logger.critical("\(error.description)")
                throw ExitCode.failure
            }
        }
        var workers: [LoopThread] = []
        for loop in loops {
            let handover = Handover(value: loop)
            workers.append(LoopThread { handover.value.run() })
        }
        loops.removeAll()

        let election = group.map { group in LoopThread { group.run() } }
        if let group {
            logger.info("""
                HA: mastership per switch elected through etcd at \(etcd!) under \(etcdPrefix); \
                policy from \(group.firewallKey) and \(group.staticFlowsKey) when set
                """)
        }
        try supervise(signals: signals, stop: stop, statistics: statistics, logger: logger)
        for worker in workers { worker.join() }
        restService?.stop()
        group?.stop()
        election?.join()
        logger.info("stopped; \(StatusLine.totals(.sum(statistics.map(\.snapshot))))")
    }

    /// The main thread's own small loop: the signals and the status line.
    private func supervise(signals: SignalSource, stop: WakePipe, statistics: [LoopStatistics], logger: Logger) throws {
        let platform: EpollPlatform
        do throws(SocketError) { platform = try EpollPlatform(maxEventsPerWait: 8) } catch {
            logger.critical("\(error.description)")
            throw ExitCode.failure
        }
        let supervisor = RunLoop(platform: platform)
        do throws(SocketError) {
            try signals.watch(on: supervisor, token: 1) { signal in
                logger.info("\(signal == SIGINT ? "SIGINT" : "SIGTERM"): closing the listener and all connections")
                stop.wake()
                supervisor.stop()
            }
        } catch {
            logger.critical("\(error.description)")
            throw ExitCode.failure
        }
        if statusInterval > 0 {
            var status = StatusLine(start: platform.now())
            supervisor.every(Interval(nanoseconds: UInt64(statusInterval * 1e9))) {
                logger.info("\(status.next(.sum(statistics.map(\.snapshot)), now: platform.now()))")
            }
        }
        supervisor.run()
    }

    private func appSpecs() throws -> [AppSpec] {
        try (apps.isEmpty ? [.learning] : apps).map { name throws -> AppSpec in
            switch name {
            case .hub: return .hub
            case .learning:
                var settings = LearningSwitch.Settings()
                settings.idleTimeout = idleTimeout
                settings.hashSeed = UInt64.random(in: .min ... .max)
                return .learning(settings)
            case .firewall:
                // Allow everything until etcd's policy is read (--etcd without a file).
                guard let firewallRules else { return .firewall(FirewallPolicy(rules: [], default: .allow)) }
                let text = try readFile(firewallRules, what: "firewall rules")
                do throws(ConfigError) {
                    return .firewall(try FirewallPolicy(parsing: text))
                } catch {
                    throw ValidationError("\(firewallRules): \(error)")
                }
            case .static:
                guard let staticFlows else { return .staticFlows("") }
                let text = try readFile(staticFlows, what: "static flows")
                do throws(ConfigError) {
                    _ = try StaticFlows(parsing: text)
                } catch {
                    throw ValidationError("\(staticFlows): \(error)")
                }
                return .staticFlows(text)
            case .monitor:
                return .monitor(Interval(nanoseconds: UInt64(monitorInterval * 1e9)))
            case .topology:
                var settings = ShortestPathSwitch.Settings()
                settings.idleTimeout = idleTimeout
                return .topology(settings)
            case .null:
                return .null
            }
        }
    }

    private func controllerSettings() -> ControllerSettings {
        var settings = ControllerSettings()
        settings.missSendLength = missSendLength
        settings.echoInterval = Interval(nanoseconds: UInt64(echoInterval * 1e9))
        settings.echoTimeout = Interval(nanoseconds: UInt64(echoTimeout * 1e9))
        // In an HA pair every switch starts as slave, until the election says otherwise.
        settings.role = etcd != nil ? .slave : role
        if !allowedDatapaths.isEmpty { settings.allowedDatapaths = Set(allowedDatapaths.compactMap(DatapathID.init(parsing:))) }
        settings.connectionsPerSource = maxPerSource
        settings.handshakesInProgress = maxHandshakes
        // Several loops share one datapath registry (`DatapathRegistry`).
        settings.reportsRegistrations = threads > 1
        return settings
    }

    private func readFile(_ path: String, what: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ValidationError("cannot read the \(what) file \(path): \(error.localizedDescription)")
        }
    }
}

extension AppName: ExpressibleByArgument {}

extension ControllerRole: ExpressibleByArgument {
    public init?(argument: String) {
        guard let role = [ControllerRole.master, .slave, .other].first(where: { $0.name == argument }) else { return nil }
        self = role
    }
}

extension OFController {
    /// HOSTNAME-PID: unique among the instances of an HA group.
    static var defaultName: String { ProcessInfo.processInfo.hostName + "-" + String(getpid()) }
}

/// swift-log's levels by name, for `--log-level`.
enum LogLevelName: String, CaseIterable, ExpressibleByArgument {
    case trace, debug, info, notice, warning, error, critical

    var level: Logger.Level {
        switch self {
        case .trace: .trace
        case .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warning: .warning
        case .error: .error
        case .critical: .critical
        }
    }
}
