import Controller
import ControllerHost
import ControllerREST
import LinuxPlatform
import Logging
import OpenFlow
import Scheduler
import TLS

/// What the main thread needs of a loop, whatever its listener: kernel TCP or TLS.
/// `run` is captured where the listener's type is known, so the loop and its host run
/// specialized: called through a protocol, a generic class's methods run unspecialized,
/// looking up generic metadata on every read and write.
struct ControllerLoopRunner {
    let statistics: LoopStatistics
    let port: UInt16
    let run: () -> Void

    init<Listener>(_ loop: ControllerLoop<Listener>) {
        statistics = loop.statistics
        port = loop.port
        run = { loop.run() }
    }
}

/// Builds one loop listening on `listen`: plain TCP, or TLS with `tls`.
func makeControllerLoop(
    listen: ListenAddress, tls: TLSContext?, reusePort: Bool, apps: [AppSpec], settings: ControllerSettings,
    stop: WakePipe, group: EtcdGroup?, rest: LoopMailbox?, metrics: ControllerMetrics?, registry: RegistryLink?,
    logger: Logger
) throws(StreamError) -> ControllerLoopRunner {
    let platform: EpollPlatform
    let listener: KernelListener
    do throws(SocketError) {
        platform = try EpollPlatform(maxEventsPerWait: 1024)
        listener = KernelListener(
            try TCPListener(host: listen.host, port: listen.port, reusePort: reusePort), platform: platform)
    } catch {
        throw StreamError(error, .listen)
    }
    if let tls {
        return ControllerLoopRunner(try ControllerLoop(
            platform: platform, listener: TLSListener(listener, context: tls), apps: apps, settings: settings,
            stop: stop, group: group, rest: rest, metrics: metrics, registry: registry, logger: logger))
    }
    return ControllerLoopRunner(try ControllerLoop(
        platform: platform, listener: listener, apps: apps, settings: settings, stop: stop, group: group, rest: rest,
        metrics: metrics, registry: registry, logger: logger))
}

/// One controller loop on its own thread: an epoll platform, a listener (kernel TCP, or
/// TLS over it) and a `ControllerHost` (with its own copy of the app chain). `--threads
/// N` runs N of them, sharing the stop signal, the published counters and the datapath
/// registry.
final class ControllerLoop<Listener: StreamListener> {
    let statistics = LoopStatistics()
    private let host: ControllerHost<[BuiltinApp], Listener, EpollPlatform>
    /// With `--rest`: where each turn's work time goes (`ofcontroller_loop_turn_seconds`).
    private let metrics: ControllerMetrics?
    /// With `--threads` above 1: this loop's part in the shared datapath registry.
    private let registry: RegistryLink?
    private static var stopToken: UInt64 { 1 }
    private static var restToken: UInt64 { 2 }
    private static var registryToken: UInt64 { 3 }

    /// With `rest`, a request bridge heads the chain and the loop serves the REST
    /// server's commands when the mailbox wakes it.
    init(
        platform: EpollPlatform, listener: Listener, apps: [AppSpec], settings: ControllerSettings,
        stop: WakePipe, group: EtcdGroup?, rest: LoopMailbox?, metrics: ControllerMetrics?, registry: RegistryLink?,
        logger: Logger
    ) throws(StreamError) {
        self.metrics = metrics
        self.registry = registry
        platform.recordsWakeTime = metrics != nil
        do throws(SocketError) {
            try platform.register(fd: stop.readFD, token: Self.stopToken)
            if let rest { try platform.register(fd: rest.readFD, token: Self.restToken) }
            if let registry { try platform.register(fd: registry.wakeFD, token: Self.registryToken) }
        } catch {
            throw StreamError(error, .listen)
        }
        let loop = RunLoop(platform: platform)
        let bridge = rest.map { [BuiltinApp.requestBridge($0.makeBridge())] } ?? []
        host = try ControllerHost(
            loop: loop, listener: listener, app: bridge + apps.map { $0.makeApp() }, settings: settings,
            log: { logger.log($0) })
        loop.register(token: Self.stopToken) { [host] _ in host.stop() }
        if let rest {
            loop.register(token: Self.restToken) { [host] _ in Self.serve(rest, on: host) }
        }
        if let registry {
            loop.register(token: Self.registryToken) { [host] _ in
                let now = host.loop.now
                host.withCore { registry.evict(&$0, now: now) }
            }
        }
        if let group {
            loop.every(.milliseconds(100)) { [host] in
                let datapaths = host.withCore { $0.datapathIDs }
                Self.apply(group.exchange(connected: datapaths), datapaths, to: host)
            }
        }
    }

    /// Runs the REST server's queued commands against the core; what they send is
    /// flushed after the turn like everything else.
    private static func serve(_ mailbox: LoopMailbox, on host: ControllerHost<[BuiltinApp], Listener, EpollPlatform>) {
        let now = host.loop.now
        for (ticket, command) in mailbox.takeCommands() {
            if let answer = host.withCore({ LoopExecutor.run(command, ticket: ticket, core: &$0, now: now) }) {
                mailbox.answer(ticket, answer)
            }
        }
    }

    /// Puts the HA group's decision in force: a changed policy (every datapath the apps
    /// see starts afresh under it), and the role of each switch: master where this
    /// instance holds the datapath's key, slave elsewhere.
    private static func apply(
        _ decision: EtcdGroup.Decision, _ datapaths: [DatapathID],
        to host: ControllerHost<[BuiltinApp], Listener, EpollPlatform>
    ) {
        let now = host.loop.now
        host.withCore { core in
            if decision.firewall != nil || decision.staticFlows != nil {
                for index in core.app.indices {
                    if let policy = decision.firewall { _ = core.app[index].replace(policy) }
                    if let flows = decision.staticFlows { _ = core.app[index].replace(flows) }
                }
                core.restartDatapaths(now: now)
            }
            for datapath in datapaths {
                let role: ControllerRole = decision.mastered.contains(datapath) ? .master : .slave
                if core.role(of: datapath) != role { core.setRole(role, for: datapath, now: now) }
            }
        }
    }

    /// The port the listener is bound to (the kernel's pick when 0 was asked for).
    var port: UInt16 { host.listener.port }

    /// Turns until the stop signal fires, publishing the counters after each turn, then
    /// closes everything.
    func run() {
        while !host.isStopping {
            host.turn()
            if let registry { host.withCore { registry.claimRegistered(&$0) } }
            if let metrics {
                let platform = host.loop.platform
                metrics.recordTurn(nanoseconds: Int64(clamping: (platform.now() - platform.lastWake).nanoseconds))
            }
            statistics.publish(host.counters)
        }
        host.shutdown()
        statistics.publish(host.counters)
    }
}
