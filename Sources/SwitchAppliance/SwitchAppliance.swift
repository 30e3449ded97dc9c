import Devices
import OpenFlow
import Scheduler
import Switch
import Wire

/// The switch appliance's loop: a `SwitchAgent` driven by a `RunLoop`, with `FrameDevice`
/// ports (Xen netfront, an in-memory wire) and `ByteStream` connections to its
/// controllers (NetStack TCP, kernel TCP, an in-memory pair), on any `Platform`. It is
/// the switch half of what `ControllerHost` is for the controller, and holds nothing
/// Linux-specific, so the same loop runs in a unikernel and on a virtual clock in tests.
///
/// The I/O wiring around the sans-IO agent:
/// - a port's readiness (the caller registers each device under its token) reads
///   bounded batches into one reused batch, each frame handed to `receiveFrame`; what
///   the datapath sends goes into per-port batches, flushed one device call each;
/// - a controller the agent wants is connected (`nextConnectAttempt`); a failure or no
///   answer within `connectTimeout` is logged once per reason and the agent backs off;
/// - a connection's readiness reads in a bounded batch into one reused buffer and stops
///   early once the agent's output for it is backed up;
/// - after every turn: closures, then each connection's pending output is written
///   once, the agent's log goes to `log`, and its next deadline becomes a timer;
/// - every `linkPollInterval` each port's link state is polled (PORT_STATUS on a change).
/// Nothing here allocates per frame or per message.
public final class SwitchAppliance<Port: FrameDevice, Listener: StreamListener, P: Platform> {
    public typealias Stream = Listener.Stream

    /// How the loop behaves; plain values for boot arguments, flags and tests.
    public struct Options {
        public var linkPollInterval: Interval = .seconds(1)
        /// A controller that has not accepted the connection by then counts as unreachable.
        public var connectTimeout: Interval = .seconds(5)
        /// Frames read from one port per readiness before the loop moves on.
        public var framesPerReadiness = 256
        /// Bytes read from one connection per readiness before the loop moves on.
        public var readBudget = 1 << 18
        public var readBufferSize = 1 << 16
        public init() {}
    }

    /// One switch port: the device, the token its readiness is registered under, the
    /// name OpenFlow reports (at most 15 bytes are kept), and its queues for ENQUEUE
    /// (counted and reported, not shaped: every queue shares the port's transmit path).
    public struct PortSpec {
        public var device: Port
        public var token: UInt64
        public var name: String
        public var queues: [PortQueue]
        public init(device: Port, token: UInt64, name: String, queues: [PortQueue] = []) {
            self.device = device
            self.token = token
            self.name = name
            self.queues = queues
        }
    }

    public let loop: RunLoop<P>
    public let options: Options
    public let ports: [Port]
    /// The controllers' names, as `AgentSettings.controllers` gives them (for logs).
    public let controllers: [String]
    public private(set) var agent: SwitchAgent
    /// Called after every turn's work: for a host that feeds ports of its own (a
    /// capture replayed into the switch once it is ready for traffic).
    public var afterEachTurn: (() -> Void)?
    private let portNames: [String]
    private let listener: Listener?
    private let connect: (Int) throws(StreamError) -> Stream
    private let log: (LogRecord) -> Void
    private let scratch: UnsafeMutableRawBufferPointer
    /// The frames of one read from a port, reused for every read.
    private var batch: FrameBatch
    /// Frames waiting to go out of each port, sent a batch per device call.
    private var outgoing: [FrameBatch]
    /// Per-port send failures seen while the agent was lent out, reported after.
    private var sendDrops: [UInt64]
    private var sendErrors: [UInt64]
    /// Ports whose last read stopped with frames still waiting: read again next turn.
    private var rereadQueued: [Bool]
    private var channels: [Channel?] = []
    private var freeChannels: [Int] = []
    private var generation: UInt64 = 0
    /// The last reason each controller could not be reached: a new reason is logged at
    /// once, repeats of it only at debug level. By controller index.
    private var connectFailures: [String?]
    private var stopping = false
    private var tickTimer: DeadlineTimer?
    private var linkPoll: TimerID?

    /// Tokens below this are the caller's (its ports, a network stack, a stop signal).
    public static var firstHostToken: UInt64 { 1 << 40 }
    private static var listenerToken: UInt64 { firstHostToken }
    private static var firstChannelToken: UInt64 { firstHostToken + 16 }

    /// One OpenFlow connection: to a controller (maybe still connecting) or accepted.
    private struct Channel {
        let stream: Stream
        let id: ChannelID
        /// The controller's index for an active connection; nil for an accepted one.
        let controller: Int?
        var connecting: Bool
        var watchingReadable: Bool
        var watchingWritable: Bool
    }

    /// Builds the datapath with `ports` numbered 1, 2, 3... `connect` opens a stream to
    /// controller `index` of `agentSettings.controllers`; `listener`, if any, takes
    /// service connections (ovs-ofctl). `log` gets the agent's records and the loop's own.
    public init(
        loop: RunLoop<P>, datapath datapathSettings: DatapathSettings, agent agentSettings: AgentSettings,
        ports: [PortSpec], listener: Listener?, options: Options = Options(),
        connect: @escaping (Int) throws(StreamError) -> Stream, log: @escaping (LogRecord) -> Void
    ) throws(StreamError) {
        precondition(ports.count < 0xff00, "more ports than OpenFlow 1.0 numbers")
        self.loop = loop
        self.options = options
        self.ports = ports.map { $0.device }
        portNames = ports.map { $0.name }
        controllers = agentSettings.controllers
        connectFailures = [String?](repeating: nil, count: controllers.count)
        self.listener = listener
        self.connect = connect
        self.log = log
        var datapath = Datapath(settings: datapathSettings)
        var largest = 0
        for (index, port) in ports.enumerated() {
            _ = datapath.addPort(Self.description(of: port, number: PortNumber(UInt16(index + 1))), queues: port.queues)
            largest = max(largest, port.device.largestFrame)
        }
        agent = SwitchAgent(datapath: datapath, settings: agentSettings)
        batch = FrameBatch(capacity: 32, slotSize: FrameBatch.headroom + max(largest, 1518))
        outgoing = ports.map { FrameBatch(capacity: 32, slotSize: FrameBatch.headroom + max($0.device.largestFrame, 1518)) }
        sendDrops = Array(repeating: 0, count: ports.count)
        sendErrors = Array(repeating: 0, count: ports.count)
        rereadQueued = Array(repeating: false, count: ports.count)
        scratch = .allocate(byteCount: options.readBufferSize, alignment: 16)
        if let listener {
            try listener.watch(token: Self.listenerToken)
            loop.register(token: Self.listenerToken) { _ in self.acceptReady() }
        }
        for (index, port) in ports.enumerated() {
            loop.register(token: port.token) { _ in self.readPort(index) }
        }
        tickTimer = DeadlineTimer { now in
            self.agent.tick(now: now)
            self.sendTransmissions()
            self.flushOutgoing()
            self.afterTurn()
        }
        linkPoll = loop.every(options.linkPollInterval) {
            self.pollLinks()
            self.afterTurn()
        }
    }

    deinit {
        scratch.deallocate()
    }

    /// Lends the datapath out: to install flows at boot, or to read its state.
    public func withDatapath<R>(_ body: (inout Datapath) -> R) -> R {
        agent.withDatapath(body)
    }

    /// Turns until `stop()`, then closes everything.
    public func run() {
        afterTurn()
        while !stopping { turn() }
        shutdown()
    }

    /// One loop turn and the after-turn work: for callers that drive the loop themselves.
    public func turn() {
        loop.turn()
        afterTurn()
    }

    /// Ends `run()` after the current turn, which then polls instead of sleeping until
    /// the next timer (a no-op task is waiting).
    public func stop() {
        stopping = true
        loop.enqueue {}
    }

    public var isStopping: Bool { stopping }

    /// Frames may flow: a controller is connected, or none is configured.
    public var isReadyForTraffic: Bool { agent.isControllerConnected || controllers.isEmpty }

    /// The listener's port, if there is a listener.
    public var listenPort: UInt16? { listener?.port }

    // MARK: Set-up

    private static func description(of port: PortSpec, number: PortNumber) -> PhyPort {
        // What Open vSwitch reports for a veth: 10 Gb/s full duplex, copper.
        let features: PortFeatures = [.rate10GbFD, .copper]
        // Cut as bytes: trimming characters would pull in the Unicode tables.
        let name = String(decoding: port.name.utf8.prefix(15), as: UTF8.self)
        return PhyPort(
            portNumber: number, hardwareAddress: port.device.macAddress, name: name,
            state: port.device.isLinkUp() ? [] : .linkDown, current: features, supported: features)
    }

    // MARK: Frames

    /// Reads batches of frames from port `index`, up to the per-readiness budget, and
    /// forwards each. When the budget ran out before the frames did, the port is read
    /// again on the next turn (after the other ports and connections had theirs): a
    /// device whose wake-ups are edges, as Xen netfront's are, would otherwise stall.
    /// Called on the port's readiness, or by the host for a port that has none of its
    /// own (a capture replayed at its recorded pace).
    public func readPort(_ index: Int) {
        let port = ports[index]
        let number = PortNumber(UInt16(index + 1))
        let now = loop.now
        var budget = options.framesPerReadiness
        while budget > 0 {
            let read: Int
            do throws(DeviceError) {
                read = try port.receive(into: &batch)
            } catch {
                agent.withDatapath { $0.notePortErrors(number, rx: 1) }
                log(LogRecord(.warning, "port " + portNames[index] + ": receive failed (error " + String(error.code) + ")"))
                flushOutgoing()
                return  // not retried at once: a failing device would spin the loop
            }
            if batch.oversized > 0 {
                let oversized = UInt64(batch.oversized)
                agent.withDatapath { $0.notePortErrors(number, rx: oversized) }
            }
            for frame in batch.frames {
                agent.receiveFrame(batch.storage[frame], inPort: number, now: now)
                sendTransmissions()
            }
            if read < batch.capacity {
                flushOutgoing()
                return
            }
            budget -= read
        }
        flushOutgoing()
        if !rereadQueued[index] {
            rereadQueued[index] = true
            loop.enqueue {
                self.rereadQueued[index] = false
                self.readPort(index)
            }
        }
    }

    /// Queues the frames the last call into the agent produced on their ports' batches
    /// (a full batch goes out at once); `flushOutgoing` sends the rest.
    private func sendTransmissions() {
        var failed = false
        agent.forEachTransmission { port, _, frame in
            let index = Int(port.rawValue) - 1
            guard index >= 0, index < ports.count else { return }
            if !outgoing[index].append(frame) {
                // Larger than a slot: no device of ours could carry it.
                sendErrors[index] &+= 1
                failed = true
                return
            }
            if outgoing[index].isFull { failed = !flush(port: index) || failed }
        }
        if failed { reportSendFailures() }
    }

    /// Sends every port's queued frames, one device call per port.
    private func flushOutgoing() {
        var failed = false
        for index in outgoing.indices where !outgoing[index].frames.isEmpty {
            failed = !flush(port: index) || failed
        }
        if failed { reportSendFailures() }
    }

    /// Sends one port's queued frames; false when some were dropped or failed.
    private func flush(port index: Int) -> Bool {
        let count = outgoing[index].frames.count
        do throws(DeviceError) {
            let sent = try ports[index].transmit(&outgoing[index])
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

    /// Link state and the frames lost before we could read them, every `linkPollInterval`.
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

    private func afterTurn() {
        startConnects()
        readBufferedInput()
        while let id = agent.nextClosure() {
            if let slot = slot(of: id) { closeChannel(slot, flushing: true) }
        }
        for slot in channels.indices where channels[slot] != nil {
            flush(slot)
        }
        pollIfInputIsBuffered()
        agent.drainLog(log)
        afterEachTurn?()
        tickTimer?.arm(at: agent.nextDeadline, on: loop)
    }

    // MARK: Shutdown

    /// Closes the listener and every connection (flushing what each has pending), sends
    /// what the ports hold, and drops the handlers and timers, which hold the appliance
    /// strongly (Embedded Swift has no weak references): that ends the cycle.
    public func shutdown() {
        if let listener {
            loop.deregister(token: Self.listenerToken)
            listener.close()
        }
        for slot in channels.indices where channels[slot] != nil {
            closeChannel(slot, flushing: true)
        }
        flushOutgoing()
        agent.drainLog(log)
        if let linkPoll { loop.cancel(linkPoll) }
        linkPoll = nil
        tickTimer = nil
        afterEachTurn = nil
    }

    // MARK: Connections

    /// Starts every connection the agent asks for now.
    private func startConnects() {
        let now = loop.now
        while let index = agent.nextConnectAttempt(now: now) {
            let stream: Stream
            do throws(StreamError) {
                stream = try connect(index)
            } catch {
                reportConnectFailure(index, error.description)
                agent.connectFailed(controller: index, now: now)
                continue
            }
            guard let slot = open(stream, controller: index) else {
                agent.connectFailed(controller: index, now: now)
                continue
            }
            if stream.isConnecting {
                let id = channels[slot]!.id
                loop.schedule(at: now + options.connectTimeout) {
                    guard let slot = self.slot(of: id), self.channels[slot]!.connecting else { return }
                    self.connectFailed(slot, reason: "no answer in time")
                    self.afterTurn()
                }
            } else {
                connected(slot)
            }
        }
    }

    private func acceptReady() {
        guard let listener else { return }
        var accepted = 0
        do throws(StreamError) {
            while accepted < 64, let stream = try listener.accept() {
                accepted += 1
                if let slot = open(stream, controller: nil) {
                    agent.connectionOpened(channels[slot]!.id, role: .passive, peer: stream.peerName, now: loop.now)
                }
            }
        } catch {
            log(LogRecord(.warning, "accept: " + error.description))
        }
    }

    /// Watches a new stream in a free slot; nil (stream closed) when it cannot be watched.
    private func open(_ stream: Stream, controller: Int?) -> Int? {
        let slot: Int
        if let free = freeChannels.popLast() {
            slot = free
        } else {
            channels.append(nil)
            slot = channels.count - 1
        }
        let token = Self.firstChannelToken + UInt64(slot)
        let connecting = stream.isConnecting
        do throws(StreamError) {
            try stream.watch(token: token, readable: !connecting, writable: connecting)
        } catch {
            log(LogRecord(.warning, "cannot watch a connection: " + error.description))
            stream.close()
            freeChannels.append(slot)
            return nil
        }
        // The generation in the high bits keeps the ChannelID of a reused slot new.
        generation = (generation + 1) & 0xffff
        channels[slot] = Channel(
            stream: stream, id: ChannelID(generation << 48 | token), controller: controller, connecting: connecting,
            watchingReadable: !connecting, watchingWritable: connecting)
        loop.register(token: token) { ready in self.channelReady(slot, ready) }
        return slot
    }

    private func slot(of id: ChannelID) -> Int? {
        let slot = Int(truncatingIfNeeded: (id.rawValue & 0xffff_ffff_ffff) &- Self.firstChannelToken)
        guard slot >= 0, slot < channels.count, let channel = channels[slot], channel.id == id else { return nil }
        return slot
    }

    private func channelReady(_ slot: Int, _ ready: Readiness) {
        guard let channel = channels[slot] else { return }
        if channel.connecting {
            guard ready.writable || ready.closed else { return }
            do throws(StreamError) { try channel.stream.finishConnect() } catch {
                connectFailed(slot, reason: error.description)
                return
            }
            guard !channel.stream.isConnecting else { return }
            connected(slot)
            flush(slot)
            return
        }
        if ready.readable || ready.closed {
            if agent.wantsInput(channel.id) {
                readBatch(slot, channel)
            } else if ready.closed {
                flush(slot)
            }
        }
    }

    /// The connection to a controller is up: the agent takes it from here.
    private func connected(_ slot: Int) {
        guard let index = channels[slot]!.controller else { return }
        channels[slot]!.connecting = false
        log(LogRecord(.info, "connected to " + controllers[index]))
        connectFailures[index] = nil
        agent.connectionOpened(channels[slot]!.id, role: .active(controller: index), now: loop.now)
    }

    private func connectFailed(_ slot: Int, reason: String) {
        guard let channel = channels[slot], let index = channel.controller else { return }
        reportConnectFailure(index, reason)
        forget(slot)
        agent.connectFailed(controller: index, now: loop.now)
    }

    /// Says why controller `index` cannot be reached the first time, and whenever the
    /// reason changes; the agent keeps retrying with its backoff.
    private func reportConnectFailure(_ index: Int, _ reason: String) {
        // Compared as bytes: String equality would pull in the Unicode tables.
        if let last = connectFailures[index], last.utf8.elementsEqual(reason.utf8) {
            log(LogRecord(.debug, controllers[index] + ": " + reason))
        } else {
            log(LogRecord(.warning, "controller " + controllers[index] + ": " + reason + "; retrying with backoff"))
            connectFailures[index] = reason
        }
    }

    /// The channel in `slot` when its stream holds input no readiness will report
    /// (TLS read-ahead) and the agent takes input from it.
    private func bufferedInput(_ slot: Int) -> Channel? {
        guard let channel = channels[slot], !channel.connecting, channel.stream.hasBufferedInput,
            agent.wantsInput(channel.id)
        else { return nil }
        return channel
    }

    /// Reads the streams that hold input no readiness will report.
    private func readBufferedInput() {
        for slot in channels.indices {
            if let channel = bufferedInput(slot) { readBatch(slot, channel) }
        }
    }

    /// After the turn's writes (a TLS handshake finishing inside a write can read the
    /// peer's first records ahead): while a stream still holds input, the next turn
    /// polls instead of sleeping, and reads it.
    private func pollIfInputIsBuffered() {
        if channels.indices.contains(where: { bufferedInput($0) != nil }) { loop.enqueue {} }
    }

    /// Reads until the stream is empty, the budget is spent, or the agent's output for
    /// this connection is backed up; frames that PACKET_OUTs produce go out at once.
    private func readBatch(_ slot: Int, _ channel: Channel) {
        let id = channel.id
        var total = 0
        while total < options.readBudget, agent.wantsInput(id) {
            let result: StreamRead
            do throws(StreamError) {
                result = try channel.stream.read(into: scratch)
            } catch {
                closeChannel(slot, flushing: false, failure: error)
                return
            }
            switch result {
            case .bytes(let count):
                agent.receive(id, UnsafeRawBufferPointer(rebasing: scratch[..<count]), now: loop.now)
                sendTransmissions()
                flushOutgoing()
                total += count
                if count < scratch.count { return }
            case .wouldBlock:
                return
            case .closed:
                // The agent logs the close itself.
                closeChannel(slot, flushing: true)
                return
            }
        }
    }

    /// Writes the connection's pending output once and watches it for what it needs next.
    @discardableResult
    private func flush(_ slot: Int) -> Bool {
        guard let channel = channels[slot], !channel.connecting else { return true }
        var pending = agent.outputCount(channel.id)
        if pending > 0 {
            let stream = channel.stream
            do throws(StreamError) {
                try agent.withOutput(channel.id) { (bytes) throws(StreamError) -> Int in try stream.write(from: bytes) }
            } catch {
                closeChannel(slot, flushing: false, failure: error)
                return false
            }
            pending = agent.outputCount(channel.id)
        }
        let readable = agent.wantsInput(channel.id)
        let writable = pending > 0
        guard readable != channel.watchingReadable || writable != channel.watchingWritable else { return true }
        do throws(StreamError) {
            try channel.stream.watch(token: Self.firstChannelToken + UInt64(slot), readable: readable, writable: writable)
        } catch {
            closeChannel(slot, flushing: false, failure: error)
            return false
        }
        channels[slot]!.watchingReadable = readable
        channels[slot]!.watchingWritable = writable
        return true
    }

    /// Closes a connection the agent knows, flushing first if asked, and tells the agent.
    /// A failure is logged: a failed TLS handshake as a warning.
    private func closeChannel(_ slot: Int, flushing: Bool, failure: StreamError? = nil) {
        guard let channel = channels[slot] else { return }
        if flushing, agent.outputCount(channel.id) > 0 {
            let stream = channel.stream
            try? agent.withOutput(channel.id) { (bytes) throws(StreamError) -> Int in try stream.write(from: bytes) }
        }
        let name = channel.controller.map { controllers[$0] } ?? "service connection"
        if let failure { log(LogRecord(failure.operation == .handshake ? .warning : .info, name + ": " + failure.description)) }
        forget(slot)
        agent.connectionClosed(channel.id, now: loop.now)
    }

    /// Stops watching a slot's stream, closes it and frees the slot.
    private func forget(_ slot: Int) {
        guard let channel = channels[slot] else { return }
        loop.deregister(token: Self.firstChannelToken + UInt64(slot))
        channel.stream.close()
        channels[slot] = nil
        freeChannels.append(slot)
    }
}
