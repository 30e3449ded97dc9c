import Controller
import Glibc
import LinuxPlatform
import Logging
import Scheduler

/// One controller loop: its own epoll set, run loop, listener, connections and
/// controller core (with its own copy of the app chain). `--threads N` runs N of them,
/// one per thread, sharing nothing but the stop signal and published counters.
///
/// The I/O wiring around the sans-IO core:
/// - a listener readiness accepts a burst of connections, each `connectionOpened`;
/// - a connection readiness reads in a bounded batch into one reused buffer, each chunk
///   handed to `receive`, and stops early once the core says its output is backed up
///   (`wantsInput`), so TCP pushes back on that switch;
/// - after every loop turn: connections the core wants closed are flushed once and
///   closed; then every connection's pending output is written (one write each) and
///   the connection is watched for writability only while output remains, and for
///   readability only while the core wants input; the core's log goes to swift-log;
///   its next deadline becomes a timer that calls `tick` (and does the after-turn work
///   at once, since timers run before the turn's wait for I/O).
/// Nothing here allocates per message: the read buffer is reused, and output is
/// written straight from the core's buffer.
final class ControllerLoop {
    let index: Int
    let statistics = LoopStatistics()
    private let platform: EpollPlatform
    private let loop: RunLoop<EpollPlatform>
    private var core: ControllerCore<[BuiltinApp]>
    private let listener: TCPListener
    private let stop: StopSignal
    private let logger: Logger
    private let scratch: UnsafeMutableRawBufferPointer
    /// Bytes read from one connection per readiness before the loop moves on.
    private let readBudget: Int
    private var slots: [Connection?] = []
    private var freeSlots: [Int] = []
    private var stopping = false
    private var listenerPaused = false
    private var lastAcceptWarning: Instant?
    private var tickTimer: DeadlineTimer!

    private static let listenerToken: UInt64 = 1
    private static let stopToken: UInt64 = 2
    private static let firstSlotToken: UInt64 = 16

    /// One accepted switch connection.
    private struct Connection {
        let socket: TCPConnection
        let id: ConnectionID
        var watchingReadable = true
        var watchingWritable = false
    }

    init(
        index: Int, listen: ListenAddress, reusePort: Bool, apps: [AppSpec], settings: ControllerSettings,
        stop: StopSignal, logger: Logger, readBufferSize: Int = 1 << 16, readBudget: Int = 1 << 18
    ) throws(SocketError) {
        self.index = index
        self.stop = stop
        self.logger = logger
        self.readBudget = readBudget
        platform = try EpollPlatform(maxEventsPerWait: 1024)
        loop = RunLoop(platform: platform)
        core = ControllerCore(app: apps.map { $0.makeApp() }, settings: settings)
        listener = try TCPListener(host: listen.host, port: listen.port, reusePort: reusePort)
        scratch = .allocate(byteCount: readBufferSize, alignment: 16)
        try platform.register(fd: listener.fd, token: Self.listenerToken)
        try platform.register(fd: stop.readFD, token: Self.stopToken)
        loop.register(token: Self.listenerToken) { [unowned self] _ in acceptReady() }
        loop.register(token: Self.stopToken) { [unowned self] _ in stopping = true }
        tickTimer = DeadlineTimer { [unowned self] now in
            core.tick(now: now)
            afterTurn()
        }
    }

    deinit {
        scratch.deallocate()
    }

    /// The port the listener is bound to (the kernel's pick when 0 was asked for).
    var port: UInt16 { (try? listener.port) ?? 0 }

    /// Turns until the stop signal fires, then closes everything.
    func run() {
        while !stopping {
            loop.turn()
            afterTurn()
        }
        shutdown()
    }

    // MARK: Accepting

    private func acceptReady() {
        do throws(SocketError) {
            try listener.acceptAll(limit: 256) { socket in open(socket) }
        } catch {
            switch error.code {
            case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                // Out of descriptors or memory: stop accepting for a moment rather than
                // spin on a listener that stays readable (the backlog waits in the
                // kernel). Said once per 10 s, not on every retry.
                let now = platform.now()
                if lastAcceptWarning.map({ now - $0 >= .seconds(10) }) ?? true {
                    lastAcceptWarning = now
                    logger.warning("accept: \(error.description); retrying every 100 ms (\(core.counters.connections) connections open)")
                }
                pauseListener(for: .milliseconds(100))
            default:
                logger.error("accept: \(error.description)")
            }
        }
    }

    private func pauseListener(for interval: Interval) {
        guard !listenerPaused else { return }
        listenerPaused = true
        platform.deregister(fd: listener.fd)
        loop.schedule(at: platform.now() + interval) { [unowned self] in
            listenerPaused = false
            guard !stopping, listener.fd >= 0 else { return }
            do throws(SocketError) { try platform.register(fd: listener.fd, token: Self.listenerToken) } catch {
                logger.error("cannot watch the listener again: \(error.description)")
            }
        }
    }

    private func open(_ socket: TCPConnection) {
        let slot = freeSlots.popLast() ?? {
            slots.append(nil)
            return slots.count - 1
        }()
        let token = Self.firstSlotToken + UInt64(slot)
        // The generation in the high bits keeps the ConnectionID of a reused slot new.
        let id = ConnectionID(nextGeneration() << 32 | token)
        do throws(SocketError) {
            try platform.register(fd: socket.fd, token: token)
        } catch {
            logger.warning("cannot watch a new connection: \(error.description)")
            socket.close()
            freeSlots.append(slot)
            return
        }
        slots[slot] = Connection(socket: socket, id: id)
        loop.register(token: token) { [unowned self] ready in connectionReady(slot, ready) }
        core.connectionOpened(id, now: platform.now())
    }

    private var generation: UInt64 = 0
    private func nextGeneration() -> UInt64 {
        generation = (generation + 1) & 0xffff_ffff
        return generation
    }

    // MARK: Connection I/O

    private func connectionReady(_ slot: Int, _ ready: Readiness) {
        guard let connection = slots[slot] else { return }
        if ready.readable || ready.closed {
            if core.wantsInput(connection.id) {
                readBatch(slot, connection)
            } else if ready.closed {
                // Not reading (output backed up) but the socket failed or hung up:
                // a write now either makes progress or fails and closes it, so a
                // level-triggered error cannot spin the loop.
                flush(slot)
            }
        }
        // Writable: the pending output goes out with everyone else's after the turn.
    }

    /// Reads until the socket is empty, the budget is spent, or the core's output for
    /// this switch is backed up. A closed or failed socket is flushed once (the peer
    /// may have only half-closed and still read our answer) and closed.
    private func readBatch(_ slot: Int, _ connection: Connection) {
        let id = connection.id
        var total = 0
        while total < readBudget, core.wantsInput(id) {
            let result: ReadResult
            do throws(SocketError) {
                result = try connection.socket.read(into: scratch)
            } catch {
                closeConnection(slot, flushing: false, reason: error.description)
                return
            }
            switch result {
            case .bytes(let count):
                core.receive(id, UnsafeRawBufferPointer(rebasing: scratch[..<count]), now: platform.now())
                total += count
                // A short read means the socket is empty; level-triggered epoll reports
                // anything that arrives later.
                if count < scratch.count { return }
            case .wouldBlock:
                return
            case .closed:
                closeConnection(slot, flushing: true, reason: nil)
                return
            }
        }
    }

    /// Writes the connection's pending output once and watches it for what it needs
    /// next. Returns false when the connection failed and was closed.
    @discardableResult
    private func flush(_ slot: Int) -> Bool {
        let id = slots[slot]!.id
        var pending = core.outputCount(id)
        if pending > 0 {
            let socket = slots[slot]!.socket
            do throws(SocketError) {
                try core.withOutput(id) { (bytes) throws(SocketError) -> Int in try socket.write(from: bytes) }
            } catch {
                closeConnection(slot, flushing: false, reason: error.description)
                return false
            }
            pending = core.outputCount(id)
        }
        let readable = pending < core.settings.outputHighWater
        let writable = pending > 0
        guard readable != slots[slot]!.watchingReadable || writable != slots[slot]!.watchingWritable else { return true }
        do throws(SocketError) {
            try platform.modify(fd: slots[slot]!.socket.fd, token: Self.firstSlotToken + UInt64(slot), readable: readable, writable: writable)
        } catch {
            closeConnection(slot, flushing: false, reason: error.description)
            return false
        }
        slots[slot]!.watchingReadable = readable
        slots[slot]!.watchingWritable = writable
        return true
    }

    /// Closes a connection and tells the core (unless the core asked for it, in which
    /// case it is told too: `connectionClosed` is how every close is reported).
    private func closeConnection(_ slot: Int, flushing: Bool, reason: String?) {
        guard let connection = slots[slot] else { return }
        if flushing, core.outputCount(connection.id) > 0 {
            let socket = connection.socket
            try? core.withOutput(connection.id) { (bytes) throws(SocketError) -> Int in try socket.write(from: bytes) }
        }
        if let reason { logger.debug("connection \(connection.id.rawValue): \(reason)") }
        let token = Self.firstSlotToken + UInt64(slot)
        loop.deregister(token: token)
        platform.deregister(fd: connection.socket.fd)
        connection.socket.close()
        slots[slot] = nil
        freeSlots.append(slot)
        core.connectionClosed(connection.id, now: platform.now())
    }

    private func slot(of id: ConnectionID) -> Int? {
        let slot = Int(id.rawValue & 0xffff_ffff) - Int(Self.firstSlotToken)
        guard slot >= 0, slot < slots.count, let connection = slots[slot], connection.id == id else { return nil }
        return slot
    }

    // MARK: After each turn

    private func afterTurn() {
        while let id = core.nextClosure() {
            if let slot = slot(of: id) { closeConnection(slot, flushing: true, reason: nil) }
        }
        // Any event may have queued output for any switch (apps send to any datapath),
        // so every connection is looked at; one with nothing pending costs a lookup.
        for slot in slots.indices where slots[slot] != nil {
            flush(slot)
        }
        core.drainLog { logger.log($0) }
        tickTimer.arm(at: core.nextDeadline, on: loop)
        statistics.publish(core.counters)
    }

    // MARK: Shutdown

    private func shutdown() {
        platform.deregister(fd: listener.fd)
        listener.close()
        for slot in slots.indices where slots[slot] != nil {
            closeConnection(slot, flushing: true, reason: nil)
        }
        core.drainLog { logger.log($0) }
        statistics.publish(core.counters)
    }
}
