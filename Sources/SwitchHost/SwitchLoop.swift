import Glibc
import LinuxPlatform
import Logging
import OpenFlow
import Scheduler
import Switch
import Wire

/// The switch on a Linux host: one epoll loop driving the sans-IO `SwitchAgent` with
/// real ports, controller connections and a passive listener.
///
/// The I/O wiring:
/// - a port readiness reads a bounded batch of frames into one reused buffer, each
///   handed to `receiveFrame`, and sends what it produced at once;
/// - a pcap replay port is read in batches from the run queue once the switch is ready
///   for traffic (a controller is connected, or none is configured), or from a timer
///   at its next frame's due time when it is paced;
/// - a controller the agent wants (`nextConnectAttempt`) is connected without blocking;
///   a refusal or a connect timeout is reported and the agent backs off;
/// - a connection readiness reads in a bounded batch, each chunk handed to `receive`,
///   and sends the frames its PACKET_OUTs produced;
/// - after every turn: closures, then each connection's pending output is written once,
///   the log goes to swift-log, and the agent's next deadline becomes a timer;
/// - once a second each port's link state is polled (PORT_STATUS on a change).
/// Forwarding allocates nothing per frame: the read buffer is reused and frames are
/// sent straight from the datapath's arena.
public final class SwitchLoop {
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
    public let ports: [FramePort]
    public let controllers: [Endpoint]
    let platform: EpollPlatform
    let loop: RunLoop<SoftPlatform<EpollPlatform>>
    let connectStream: (Endpoint) throws(StreamError) -> any ByteStream
    var agent: SwitchAgent
    let logger: Logger
    let listener: TCPListener?
    private let stopPipe: (read: Int32, write: Int32)
    /// The frames of one read from a port, reused for every read.
    private var batch = FrameBatch()
    private let readScratch: UnsafeMutableRawBufferPointer
    var channels: [Channel?] = []
    /// The last reason each controller could not be reached, so a new reason is logged
    /// at once (a name that does not resolve, a refusal) and repeats of it are not.
    var connectFailures: [Int: String] = [:]
    private var freeChannels: [Int] = []
    private var generation: UInt64 = 0
    private var stopping = false
    private var replayScheduled = false
    private var status: SwitchStatus
    /// Frames waiting to go out of each port, sent a batch per system call.
    private var outgoing: [FrameBatch]
    /// Per-port send failures seen while the agent was lent out, reported after.
    private var sendDrops: [UInt64]
    private var sendErrors: [UInt64]
    private var tickTimer: DeadlineTimer!

    static let listenerToken: UInt64 = 1
    static let stopToken: UInt64 = 2
    static let signalToken: UInt64 = 3
    static let firstPortToken: UInt64 = 16
    static let firstChannelToken: UInt64 = 1 << 16

    /// One OpenFlow connection: to a controller (maybe still connecting) or accepted.
    struct Channel {
        let stream: any ByteStream
        let id: ChannelID
        /// The controller's index for an active connection; nil for an accepted one.
        let controller: Int?
        var connecting: Bool
        var watchingReadable = true
        var watchingWritable: Bool
    }

    /// Builds the datapath with `ports` numbered 1, 2, 3... and opens the listener.
    /// `agentSettings.controllers` is replaced by the endpoints' names. Without a
    /// `transport`, controllers are reached over kernel TCP.
    public init(
        datapath datapathSettings: DatapathSettings, agent agentSettings: AgentSettings, controllers: [Endpoint],
        ports: [FramePort], options: Options, logger: Logger, transport: Transport? = nil
    ) throws(SocketError) {
        precondition(ports.count < 0xff00, "more ports than OpenFlow 1.0 numbers")
        self.options = options
        self.ports = ports
        self.controllers = controllers
        self.logger = logger
        var datapath = Datapath(settings: datapathSettings)
        for (index, port) in ports.enumerated() {
            let number = index + 1
            datapath.addPort(Self.description(of: port, number: PortNumber(UInt16(number))), queues: options.queues[number] ?? [])
        }
        var settings = agentSettings
        settings.controllers = controllers.map(\.description)
        agent = SwitchAgent(datapath: datapath, settings: settings)
        outgoing = ports.map { _ in FrameBatch(capacity: 32, slotSize: 2048) }
        sendDrops = Array(repeating: 0, count: ports.count)
        sendErrors = Array(repeating: 0, count: ports.count)
        let transport = if let transport { transport } else { try Transport.kernel() }
        platform = transport.platform
        loop = transport.loop
        connectStream = transport.connect
        status = SwitchStatus(start: platform.now())
        readScratch = .allocate(byteCount: 1 << 16, alignment: 16)
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw SocketError(.socket, code: errno) }
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, O_NONBLOCK)
        }
        stopPipe = (fds[0], fds[1])
        if let listen = options.listen {
            listener = try TCPListener(host: listen.host, port: listen.port)
        } else {
            listener = nil
        }
        try register()
        tickTimer = DeadlineTimer { [unowned self] now in
            agent.tick(now: now)
            sendTransmissions()
            flushOutgoing()
            afterTurn()
        }
    }

    deinit {
        readScratch.deallocate()
        Glibc.close(stopPipe.read)
        Glibc.close(stopPipe.write)
    }

    /// Adds `flows` to the table before `run` (`ofswitch --flows`): they stay until a
    /// controller removes them, and count their timeouts from now.
    public func install(_ flows: [FlowMod]) throws(DatapathError) {
        let now = platform.now()
        let result: Result<Void, DatapathError> = agent.withDatapath { datapath in
            for flow in flows {
                do throws(DatapathError) { try datapath.flowMod(flow, now: now) } catch { return .failure(error) }
            }
            return .success(())
        }
        try result.get()
    }

    /// The listener's port (the kernel's pick when 0 was asked for).
    public var listenPort: UInt16? { listener.flatMap { try? $0.port } }

    /// Makes `run` return after the current turn; safe from any thread.
    public func stop() {
        var byte: UInt8 = 1
        _ = Glibc.write(stopPipe.write, &byte, 1)
    }

    /// Stops the loop when one of `source`'s signals arrives. Call before `run`.
    public func stopOnSignals(_ source: SignalSource) throws(SocketError) {
        try source.watch(on: loop, epoll: platform, token: Self.signalToken) { [unowned self] signal in
            logger.info("signal \(signal): shutting down")
            stopping = true
        }
    }

    /// Turns until `stop`, then closes every connection and port (a record port's file
    /// is completed) and logs the totals.
    public func run() {
        var repeating: [TimerID] = []
        if let statusInterval = options.statusInterval {
            repeating.append(
                loop.every(statusInterval) { [unowned self] in
                    logger.info("\(status.next(agent, now: platform.now()))")
                })
        }
        repeating.append(
            loop.every(options.linkPollInterval) { [unowned self] in
                pollLinks()
                afterTurn()
            })
        afterTurn()
        while !stopping {
            loop.turn()
            afterTurn()
        }
        // Nothing of ours fires once `run` has returned.
        for timer in repeating { loop.cancel(timer) }
        shutdown()
    }

    // MARK: Setup

    private static func description(of port: FramePort, number: PortNumber) -> PhyPort {
        var address: UInt64 = 0
        for byte in port.hardwareAddress.prefix(6) { address = address << 8 | UInt64(byte) }
        // What Open vSwitch reports for a veth: 10 Gb/s full duplex, copper.
        let features: PortFeatures = [.rate10GbFD, .copper]
        return PhyPort(
            portNumber: number, hardwareAddress: MACAddress(rawValue: address), name: String(port.name.utf8.prefix(15)) ?? "",
            state: port.isLinkUp() ? [] : .linkDown, current: features, supported: features)
    }

    private func register() throws(SocketError) {
        if let listener {
            try platform.register(fd: listener.fd, token: Self.listenerToken)
            loop.register(token: Self.listenerToken) { [unowned self] _ in acceptReady() }
        }
        try platform.register(fd: stopPipe.read, token: Self.stopToken)
        loop.register(token: Self.stopToken) { [unowned self] _ in stopping = true }
        for (index, port) in ports.enumerated() {
            guard let fd = port.fd else { continue }
            let token = Self.firstPortToken + UInt64(index)
            try platform.register(fd: fd, token: token)
            loop.register(token: token) { [unowned self] _ in portReady(index) }
        }
    }

    // MARK: Frames

    /// Reads batches of frames from port `index`, up to the per-readiness budget, and
    /// forwards each.
    private func portReady(_ index: Int) {
        let port = ports[index]
        let number = PortNumber(UInt16(index + 1))
        let now = platform.now()
        var budget = options.framesPerReadiness
        while budget > 0 {
            let read: Int
            do throws(SocketError) {
                read = try port.receive(into: &batch)
            } catch {
                logger.warning("port \(port.name): \(error.description)")
                agent.withDatapath { $0.notePortErrors(number, rx: 1) }
                return
            }
            if batch.oversized > 0 {
                let oversized = UInt64(batch.oversized)
                agent.withDatapath { $0.notePortErrors(number, rx: oversized) }
            }
            for frame in batch.frames {
                agent.receiveFrame(batch.storage[frame], inPort: number, now: now)
                sendTransmissions()
            }
            flushOutgoing()
            if read < batch.capacity { return }
            budget -= read
        }
    }

    /// Queues the frames the last call into the agent produced on their ports' outgoing
    /// batches (a full batch goes out at once); `flushOutgoing` sends the rest. A frame
    /// too large for a batch slot is sent on its own.
    func sendTransmissions() {
        var failed = false
        agent.forEachTransmission { [self] port, _, frame in
            let index = Int(port.rawValue) - 1
            guard index >= 0, index < ports.count else { return }
            if outgoing[index].append(frame) {
                if outgoing[index].isFull { failed = !flush(port: index) || failed }
                return
            }
            // Too large for a slot: what is queued for the port goes first, in order.
            if !outgoing[index].frames.isEmpty { failed = !flush(port: index) || failed }
            do throws(SocketError) {
                if try !ports[index].send(frame) {
                    sendDrops[index] &+= 1
                    failed = true
                }
            } catch {
                sendErrors[index] &+= 1
                failed = true
            }
        }
        if failed { reportSendFailures() }
    }

    /// Sends every port's queued frames, one system call per port.
    func flushOutgoing() {
        var failed = false
        for index in outgoing.indices where !outgoing[index].frames.isEmpty {
            failed = !flush(port: index) || failed
        }
        if failed { reportSendFailures() }
    }

    /// Sends one port's queued frames; false when some were dropped or failed.
    private func flush(port index: Int) -> Bool {
        let count = outgoing[index].frames.count
        do throws(SocketError) {
            let sent = try ports[index].send(&outgoing[index])
            guard sent < count else { return true }
            sendDrops[index] &+= UInt64(count - sent)
        } catch {
            outgoing[index].reset()
            sendErrors[index] &+= UInt64(count)
        }
        return false
    }

    private func reportSendFailures() {
        agent.withDatapath { datapath in
            for index in ports.indices where sendDrops[index] > 0 || sendErrors[index] > 0 {
                datapath.notePortErrors(PortNumber(UInt16(index + 1)), tx: sendErrors[index], txDropped: sendDrops[index])
                sendDrops[index] = 0
                sendErrors[index] = 0
            }
        }
    }

    /// Feeds replay ports while they have frames and the switch is ready for them: from
    /// the run queue when a frame is due, else from a timer at the next frame's due time
    /// (a paced replay).
    private func scheduleReplay() {
        guard !replayScheduled, agent.isControllerConnected || controllers.isEmpty else { return }
        var due: Instant?
        for index in ports.indices where ports[index].fd == nil && ports[index].hasPendingInput {
            // Another port without a descriptor is read as fast as the loop goes.
            let next = (ports[index] as? ReplayPort).map { $0.nextFrameDue() } ?? .zero
            if let next { due = min(due ?? next, next) }
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
        for index in ports.indices where ports[index].fd == nil && ports[index].hasPendingInput {
            let replay = ports[index] as? ReplayPort
            replay?.release(until: now)
            portReady(index)
            if let failure = replay?.failure {
                logger.error("port \(ports[index].name): replay stopped: \(failure)")
            } else if !ports[index].hasPendingInput {
                logger.info("port \(ports[index].name): replay finished")
            }
        }
        if options.stopAfterReplay, !ports.contains(where: { $0.fd == nil && $0.hasPendingInput }) { stopping = true }
    }

    /// Link state and the frames lost before we could read them, once a second.
    private func pollLinks() {
        for (index, port) in ports.enumerated() {
            let up = port.isLinkUp()
            let drops = port.takeDrops()
            agent.withDatapath { datapath in
                let number = PortNumber(UInt16(index + 1))
                datapath.setLinkDown(number, !up)
                if drops > 0 { datapath.notePortErrors(number, rxDropped: drops) }
            }
        }
    }

    // MARK: After each turn

    func afterTurn() {
        startConnects()
        while let id = agent.nextClosure() {
            if let slot = slot(of: id) { closeChannel(slot, flushing: true, reason: nil) }
        }
        for slot in channels.indices where channels[slot] != nil {
            flush(slot)
        }
        agent.drainLog { logger.log($0) }
        scheduleReplay()
        tickTimer.arm(at: agent.nextDeadline, on: loop)
    }

    // MARK: Shutdown

    private func shutdown() {
        if let listener {
            platform.deregister(fd: listener.fd)
            listener.close()
        }
        for slot in channels.indices where channels[slot] != nil {
            closeChannel(slot, flushing: true, reason: nil)
        }
        flushOutgoing()
        for port in ports {
            if let fd = port.fd { platform.deregister(fd: fd) }
            port.close()
        }
        agent.drainLog { logger.log($0) }
        logger.info("\(SwitchStatus.totals(agent))")
    }

    // MARK: Channel bookkeeping shared with the connection extension

    func newChannelSlot() -> Int {
        if let slot = freeChannels.popLast() { return slot }
        channels.append(nil)
        return channels.count - 1
    }

    func releaseChannelSlot(_ slot: Int) {
        channels[slot] = nil
        freeChannels.append(slot)
    }

    /// A channel id for a slot: the generation in the high bits keeps a reused slot's id new.
    func newChannelID(slot: Int) -> ChannelID {
        generation = (generation + 1) & 0xffff_ffff
        return ChannelID(generation << 32 | (Self.firstChannelToken + UInt64(slot)))
    }

    func slot(of id: ChannelID) -> Int? {
        let slot = Int(id.rawValue & 0xffff_ffff) - Int(Self.firstChannelToken)
        guard slot >= 0, slot < channels.count, let channel = channels[slot], channel.id == id else { return nil }
        return slot
    }

    var scratch: UnsafeMutableRawBufferPointer { readScratch }
}
