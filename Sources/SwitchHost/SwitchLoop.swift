import Devices
import Glibc
import LinuxPlatform
import Logging
import OpenFlow
import Scheduler
import Switch
import SwitchAppliance
import TLS
import Wire

/// The switch on a Linux host: the `SwitchAppliance` loop (the same one the unikernel
/// image runs) over epoll, with what only a host has around it:
/// - ports that are live interfaces (watched through their descriptors), captures
///   replayed into the switch once it is ready for traffic (paced by their timestamps),
///   files recording what it sends, and in-memory wires for tests;
/// - controllers over kernel TCP or, in the direct deployment, our own TCP/IP stack, and
///   a kernel TCP listener for service connections (ovs-ofctl);
/// - a stop that works from any thread, signals, swift-log, and a status line.
public final class SwitchLoop {
    public typealias Appliance = SwitchAppliance<HostPort, HostListener, SoftPlatform<EpollPlatform>>

    /// How the loop behaves; plain values for flags and tests.
    public struct Options: Sendable {
        /// Where to listen for service connections (ovs-ofctl), if anywhere.
        public var listen: Endpoint?
        /// Between status lines; nil for none.
        public var statusInterval: Interval?
        public var linkPollInterval: Interval = .seconds(1)
        /// A controller that has not accepted the connection by then counts as unreachable.
        public var connectTimeout: Interval = .seconds(5)
        /// Frames read from one port per readiness before the loop moves on.
        public var framesPerReadiness = 256
        /// Bytes read from one connection per readiness before the loop moves on.
        public var readBudget = 1 << 18
        /// Queues for ENQUEUE, by OpenFlow port number. They are counted and reported
        /// (OFPST_QUEUE, QUEUE_GET_CONFIG), not shaped: every queue of a port shares its
        /// one transmit path.
        public var queues: [Int: [PortQueue]] = [:]
        /// Stop once every replay port has been read to its end (and what it caused has
        /// been sent): a capture run through the switch, offline.
        public var stopAfterReplay = false
        /// TLS for `ssl:` controllers (a client context) and a `pssl:` listener (a
        /// server context), from the same key, certificate and CA.
        public var tlsClient: TLSContext?
        public var tlsServer: TLSContext?
        /// Where the counters are published for `--metrics` (every `metricsInterval`).
        public var metrics: SwitchMetricsBoard?
        public var metricsInterval: Interval = .milliseconds(250)

        public init(listen: Endpoint? = nil, statusInterval: Interval? = nil) {
            self.listen = listen
            self.statusInterval = statusInterval
        }
    }

    /// How the loop reaches its controllers: the platform and loop it runs on (epoll,
    /// plus soft readiness for streams without a descriptor) and how a connection to a
    /// controller is opened. Kernel TCP by default; our own TCP/IP stack in the direct
    /// deployment (`ofswitch --net`).
    public struct Transport {
        public var platform: EpollPlatform
        public var loop: RunLoop<SoftPlatform<EpollPlatform>>
        public var connect: (Endpoint) throws(StreamError) -> any ByteStream

        public init(
            platform: EpollPlatform, loop: RunLoop<SoftPlatform<EpollPlatform>>,
            connect: @escaping (Endpoint) throws(StreamError) -> any ByteStream
        ) {
            self.platform = platform
            self.loop = loop
            self.connect = connect
        }

        /// Kernel TCP on a new epoll loop.
        public static func kernel() throws(SocketError) -> Transport {
            let platform = try EpollPlatform(maxEventsPerWait: 256)
            return Transport(platform: platform, loop: RunLoop(platform: SoftPlatform(base: platform))) {
                (endpoint) throws(StreamError) -> any ByteStream in
                try KernelStream.connect(host: endpoint.host, port: endpoint.port, platform: platform)
            }
        }
    }

    public let options: Options
    public let ports: [any FramePort]
    public let controllers: [Endpoint]
    public let appliance: Appliance
    let platform: EpollPlatform
    let loop: RunLoop<SoftPlatform<EpollPlatform>>
    let logger: Logger
    private let stopPipe: WakePipe
    /// The replay ports and their port indices: the loop feeds them itself.
    private let replays: [(index: Int, port: ReplayPort)]
    private var replayScheduled = false
    private var status: SwitchStatus

    static let stopToken: UInt64 = 2
    static let signalToken: UInt64 = 3
    static let firstPortToken: UInt64 = 16

    /// Builds the datapath with `ports` numbered 1, 2, 3... and opens the listener.
    /// `agentSettings.controllers` is replaced by the endpoints' names. Without a
    /// `transport`, controllers are reached over kernel TCP.
    public init(
        datapath datapathSettings: DatapathSettings, agent agentSettings: AgentSettings, controllers: [Endpoint],
        ports: [any FramePort], options: Options, logger: Logger, transport: Transport? = nil
    ) throws(SocketError) {
        self.options = options
        self.ports = ports
        self.controllers = controllers
        self.logger = logger
        let transport = if let transport { transport } else { try Transport.kernel() }
        platform = transport.platform
        loop = transport.loop
        status = SwitchStatus(start: platform.now())
        replays = ports.enumerated().compactMap { index, port in (port as? ReplayPort).map { (index, $0) } }

        var specs: [Appliance.PortSpec] = []
        for (index, port) in ports.enumerated() {
            let token = Self.firstPortToken + UInt64(index)
            if let fd = port.fd { try platform.register(fd: fd, token: token) }
            specs.append(.init(device: HostPort(port), token: token, name: port.name, queues: options.queues[index + 1] ?? []))
        }
        let epoll = transport.platform
        let tls = options.tlsClient
        let tlsServer = options.tlsServer
        let listener = try options.listen.map { (endpoint) throws(SocketError) in
            let kernel = KernelListener(try TCPListener(host: endpoint.host, port: endpoint.port), platform: epoll)
            return HostListener(kernel, tls: endpoint.secure ? tlsServer : nil)
        }
        var settings = agentSettings
        settings.controllers = controllers.map(\.description)
        var applianceOptions = Appliance.Options()
        applianceOptions.linkPollInterval = options.linkPollInterval
        applianceOptions.connectTimeout = options.connectTimeout
        applianceOptions.framesPerReadiness = options.framesPerReadiness
        applianceOptions.readBudget = options.readBudget
        let connect = transport.connect
        do throws(StreamError) {
            appliance = try Appliance(
                loop: loop, datapath: datapathSettings, agent: settings, ports: specs, listener: listener,
                options: applianceOptions,
                connect: { (index) throws(StreamError) -> HostStream in
                    let endpoint = controllers[index]
                    let stream = try connect(endpoint)
                    guard endpoint.secure, let tls else { return HostStream(stream) }
                    guard let secure = TLSStream(stream, context: tls) else {
                        stream.close()
                        throw StreamError(.connect, code: ENOMEM, description: "connect: no memory for a TLS session")
                    }
                    return HostStream(secure)
                },
                log: { logger.log($0) })
        } catch {
            throw SocketError(.epollControl, code: error.code)
        }

        stopPipe = try WakePipe()
        try platform.register(fd: stopPipe.readFD, token: Self.stopToken)
        let appliance = appliance
        loop.register(token: Self.stopToken) { _ in appliance.stop() }
        if !replays.isEmpty {
            appliance.afterEachTurn = { [unowned self] in scheduleReplay() }
        }
    }

    /// Adds `flows` to the table before `run` (`ofswitch --flows`): they stay until a
    /// controller removes them, and count their timeouts from now.
    public func install(_ flows: [FlowMod]) throws(DatapathError) {
        let now = platform.now()
        let result: Result<Void, DatapathError> = appliance.withDatapath { datapath in
            for flow in flows {
                do throws(DatapathError) { try datapath.flowMod(flow, now: now) } catch { return .failure(error) }
            }
            return .success(())
        }
        try result.get()
    }

    /// The listener's port (the kernel's pick when 0 was asked for).
    public var listenPort: UInt16? { appliance.listenPort }

    /// Makes `run` return after the current turn; safe from any thread.
    public func stop() {
        stopPipe.wake()
    }

    /// Stops the loop when one of `source`'s signals arrives. Call before `run`.
    public func stopOnSignals(_ source: SignalSource) throws(SocketError) {
        let appliance = appliance
        let logger = logger
        try source.watch(on: loop, epoll: platform, token: Self.signalToken) { signal in
            logger.info("signal \(signal): shutting down")
            appliance.stop()
        }
    }

    /// Turns until `stop`, then closes every connection and port (a record port's file
    /// is completed) and logs the totals.
    public func run() {
        var statusTimer: TimerID?
        if let statusInterval = options.statusInterval {
            statusTimer = loop.every(statusInterval) { [unowned self] in
                logger.info("\(status.next(appliance.agent, now: platform.now()))")
            }
        }
        var metricsTimer: TimerID?
        if let board = options.metrics {
            board.publish(SwitchMetricsSnapshot(appliance.agent))
            metricsTimer = loop.every(options.metricsInterval) { [unowned self] in
                board.publish(SwitchMetricsSnapshot(appliance.agent))
            }
        }
        appliance.run()
        if let statusTimer { loop.cancel(statusTimer) }
        if let metricsTimer { loop.cancel(metricsTimer) }
        for port in ports {
            if let fd = port.fd { platform.deregister(fd: fd) }
            port.close()
        }
        platform.deregister(fd: stopPipe.readFD)
        loop.deregister(token: Self.stopToken)
        logger.info("\(SwitchStatus.totals(appliance.agent))")
    }

    // MARK: Replay

    /// Feeds replay ports while they have frames and the switch is ready for them: from
    /// the run queue when a frame is due, else from a timer at the next frame's due time
    /// (a paced replay).
    private func scheduleReplay() {
        guard !replayScheduled, appliance.isReadyForTraffic else { return }
        var due: Instant?
        for (_, port) in replays {
            if let next = port.nextFrameDue() { due = min(due ?? next, next) }
        }
        guard let due else { return }
        replayScheduled = true
        if due <= platform.now() {
            loop.enqueue { [unowned self] in feedReplay() }
        } else {
            loop.schedule(at: due) { [unowned self] in feedReplay() }
        }
    }

    private func feedReplay() {
        replayScheduled = false
        let now = platform.now()
        for (index, port) in replays where port.hasPendingInput {
            port.release(until: now)
            appliance.readPort(index)
            if let failure = port.failure {
                logger.error("port \(port.name): replay stopped: \(failure)")
            } else if !port.hasPendingInput {
                logger.info("port \(port.name): replay finished")
            }
        }
        if options.stopAfterReplay, !replays.contains(where: { $0.port.hasPendingInput }) {
            appliance.stop()
        } else {
            // The next frame's timer goes in now, before this turn sleeps.
            scheduleReplay()
        }
    }
}
