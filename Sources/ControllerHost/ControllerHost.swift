import Controller
import Devices
import Scheduler

/// The controller appliance's loop: a `ControllerCore` driven by a `RunLoop`, accepting
/// switches from any `StreamListener` (kernel TCP, our own TCP/IP stack, an in-memory
/// pair) on any `Platform` (epoll, Xen, a virtual clock in tests). Executables pick the
/// pieces and parse flags; this is the same everywhere.
///
/// The I/O wiring around the sans-IO core:
/// - a listener readiness accepts a burst of connections, each `connectionOpened`;
/// - a connection readiness reads in a bounded batch into one reused buffer, each chunk
///   handed to `receive`, and stops early once the core says its output is backed up
///   (`wantsInput`), so TCP pushes back on that switch;
/// - after every loop turn: connections the core wants closed are flushed once and
///   closed; then each connection that queued output is written (one write each) and
///   the connection is watched for writability only while output remains, and for
///   readability only while the core wants input; the core's log goes to `log`; its
///   next deadline becomes a timer that calls `tick` (and does the after-turn work at
///   once, since timers run before the turn's wait for I/O).
/// Nothing here allocates per message or copies it: reads land in the core's input
/// buffer, and output is written straight from the core's output buffer.
///
/// Everything is `@inlinable` so that each executable specializes the host for its
/// app, listener and platform: run generic from its own module, every read and write
/// looked up generic metadata and copied the core through value witnesses (callgrind,
/// cbench latency mode: 24,029 instructions per packet_in, now ~3,900; ~1,700 when the
/// reads are batched).
public final class ControllerHost<App: ControllerApp, Listener: StreamListener, P: Platform> {
    public let loop: RunLoop<P>
    public let listener: Listener
    /// Exclusivity unchecked: the loop's one thread reaches the core and the slots only
    /// through the host, one access at a time (so a `withCore` body must not reach back
    /// into the host); checking each access at run time cost ~1,300 instructions per
    /// packet_in in cbench's latency mode.
    @exclusivity(unchecked) @usableFromInline var state: ControllerCore<App>
    @usableFromInline let log: (LogRecord) -> Void
    @usableFromInline let scratch: UnsafeMutableRawBufferPointer
    /// Bytes read from one connection per readiness before the loop moves on.
    @usableFromInline let readBudget: Int
    /// The core's `outputHighWater`, kept here: it is asked after every write.
    @usableFromInline let outputHighWater: Int
    @exclusivity(unchecked) @usableFromInline var slots: [Connection?] = []
    @usableFromInline var freeSlots: [Int] = []
    @usableFromInline var generation: UInt64 = 0
    @usableFromInline var stopping = false
    @usableFromInline var listenerPaused = false
    @usableFromInline var lastAcceptWarning: Instant?
    @usableFromInline var tickTimer: DeadlineTimer?

    /// Tokens below this are the caller's (a stop signal, a network device).
    @inlinable public static var firstHostToken: UInt64 { 1 << 40 }
    @inlinable static var listenerToken: UInt64 { firstHostToken }
    @inlinable static var firstSlotToken: UInt64 { firstHostToken + 16 }

    /// One accepted switch connection.
    @usableFromInline struct Connection {
        @usableFromInline let stream: Listener.Stream
        @usableFromInline let id: ConnectionID
        @usableFromInline var watchingReadable = true
        @usableFromInline var watchingWritable = false

        @inlinable init(stream: Listener.Stream, id: ConnectionID) {
            self.stream = stream
            self.id = id
        }
    }

    /// `log` gets the core's records and the host's own (accept failures, closes).
    @inlinable public init(
        loop: RunLoop<P>, listener: Listener, app: App, settings: ControllerSettings = ControllerSettings(),
        readBufferSize: Int = 1 << 16, readBudget: Int = 1 << 18, log: @escaping (LogRecord) -> Void
    ) throws(StreamError) {
        self.loop = loop
        self.listener = listener
        self.log = log
        self.readBudget = readBudget
        outputHighWater = settings.outputHighWater
        state = ControllerCore(app: app, settings: settings)
        scratch = .allocate(byteCount: readBufferSize, alignment: 16)
        try listener.watch(token: Self.listenerToken)
        loop.register(token: Self.listenerToken) { _ in self.acceptReady() }
        tickTimer = DeadlineTimer { now in
            self.state.tick(now: now)
            self.afterTurn()
        }
    }

    deinit {
        scratch.deallocate()
    }


    /// Turns until `stop()`, then closes everything.
    @inlinable public func run() {
        while !stopping { turn() }
        shutdown()
    }

    /// One loop turn and the after-turn work: for callers that drive the loop themselves.
    @inlinable public func turn() {
        loop.turn()
        afterTurn()
    }

    /// Ends `run()` after the current turn, which then polls instead of sleeping until
    /// the next timer (a no-op task is waiting).
    @inlinable public func stop() {
        stopping = true
        loop.enqueue {}
    }

    @inlinable public var isStopping: Bool { stopping }

    /// Lets a task of the loop change the core between events (a role decided
    /// elsewhere); what it queues is flushed after the turn. `body` must not use the
    /// host (see `state`). The host asks the core through it too, even to read: a
    /// non-mutating call on a class's stored struct copies the whole core first.
    @inlinable public func withCore<R>(_ body: (inout ControllerCore<App>) -> R) -> R { body(&state) }

    /// The core's counters, read in place.
    @inlinable public var counters: ControllerCounters { withCore { $0.counters } }

    // MARK: Accepting

    @inlinable func acceptReady() {
        var accepted = 0
        do throws(StreamError) {
            while accepted < 256, let stream = try listener.accept() {
                open(stream)
                accepted += 1
            }
        } catch {
            guard error.isResourceExhaustion else {
                log(LogRecord(.error, "accept: " + error.description))
                return
            }
            // Out of descriptors or memory: stop accepting for a moment rather than spin
            // on a listener that stays readable (the backlog waits in the kernel). Said
            // once per 10 s, not on every retry.
            let now = loop.now
            if lastAcceptWarning.map({ now - $0 >= .seconds(10) }) ?? true {
                lastAcceptWarning = now
                log(LogRecord(.warning, "accept: " + error.description + "; retrying every 100 ms ("
                    + String(state.counters.connections) + " connections open)"))
            }
            pauseListener(for: .milliseconds(100))
        }
    }

    @inlinable func pauseListener(for interval: Interval) {
        guard !listenerPaused else { return }
        listenerPaused = true
        listener.unwatch()
        loop.schedule(at: loop.now + interval) {
            self.listenerPaused = false
            guard !self.stopping else { return }
            do throws(StreamError) { try self.listener.watch(token: Self.listenerToken) } catch {
                self.log(LogRecord(.error, "cannot watch the listener again: " + error.description))
            }
        }
    }

    @inlinable func open(_ stream: Listener.Stream) {
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
        } else {
            slots.append(nil)
            slot = slots.count - 1
        }
        let token = Self.firstSlotToken + UInt64(slot)
        // The generation in the high bits keeps the ConnectionID of a reused slot new.
        generation = (generation + 1) & 0xffff
        let id = ConnectionID(generation << 48 | token)
        do throws(StreamError) {
            try stream.watch(token: token, readable: true, writable: false)
        } catch {
            log(LogRecord(.warning, "cannot watch a new connection: " + error.description))
            stream.close()
            freeSlots.append(slot)
            return
        }
        slots[slot] = Connection(stream: stream, id: id)
        loop.register(token: token) { ready in self.connectionReady(slot, ready) }
        state.connectionOpened(id, peer: stream.peerName, now: loop.now)
    }

    // MARK: Connection I/O

    @inlinable func connectionReady(_ slot: Int, _ ready: Readiness) {
        guard let connection = slots[slot] else { return }
        // readBatch reads only while the core wants input (asked once per read).
        if ready.readable || ready.closed { readBatch(slot, connection) }
        // The answers go out now, not after the turn: a switch whose request came in
        // early in a busy turn is not kept waiting for the others' (under cbench's
        // latency mode, a quarter of the switches otherwise got half the rate of the
        // rest). Writable, the rest of its output goes; not reading (output backed up)
        // but failed or hung up, a write either makes progress or fails and closes it,
        // so a level-triggered error cannot spin the loop.
        flush(slot)
    }

    /// Reads until the stream is empty, the budget is spent, or the core's output for
    /// this switch is backed up. A closed or failed stream is flushed once (the peer
    /// may have only half-closed and still read our answer) and closed.
    @inlinable func readBatch(_ slot: Int, _ connection: Connection) {
        let id = connection.id
        var total = 0
        let stream = connection.stream
        while total < readBudget, withCore({ $0.wantsInput(id) }) {
            var result: StreamRead?
            var failure: StreamError?
            var lent = scratch.count
            // Straight into the connection's framer: the bytes are not copied again.
            state.receive(id, now: loop.now, maximum: scratch.count) { room in
                lent = room.count
                do throws(StreamError) {
                    let read = try stream.read(into: room)
                    result = read
                    if case .bytes(let count) = read { return count }
                } catch {
                    failure = error
                }
                return 0
            }
            do throws(StreamError) {
                // The core takes nothing more from this connection (it is closing):
                // what arrives is read and dropped.
                if result == nil, failure == nil { result = try stream.read(into: scratch) }
            } catch {
                failure = error
            }
            if let failure {
                closeConnection(slot, flushing: false, failure: failure)
                return
            }
            switch result! {
            case .bytes(let count):
                total += count
                // A short read means the stream is empty; level-triggered readiness
                // reports anything that arrives later.
                if count < lent { return }
            case .wouldBlock:
                return
            case .closed:
                closeConnection(slot, flushing: true)
                return
            }
        }
    }

    /// Writes the connection's pending output once and watches it for what it needs
    /// next. Returns false when the connection failed and was closed.
    @discardableResult
    @inlinable func flush(_ slot: Int) -> Bool {
        guard let connection = slots[slot] else { return false }
        let pending: Int
        switch write(connection) {
        case .success(let left):
            pending = left
        case .failure(let failure):
            closeConnection(slot, flushing: false, failure: failure)
            return false
        }
        let readable = pending < outputHighWater
        let writable = pending > 0
        guard readable != connection.watchingReadable || writable != connection.watchingWritable else { return true }
        do throws(StreamError) {
            try connection.stream.watch(token: Self.firstSlotToken + UInt64(slot), readable: readable, writable: writable)
        } catch {
            closeConnection(slot, flushing: false, failure: error)
            return false
        }
        slots[slot]?.watchingReadable = readable
        slots[slot]?.watchingWritable = writable
        return true
    }

    /// Writes what the core has queued for the connection, once: the bytes left queued,
    /// or the failure.
    @inlinable func write(_ connection: Connection) -> Result<Int, StreamError> {
        var failure: StreamError?
        let left = state.withOutput(connection.id) { bytes in
            do throws(StreamError) { return try connection.stream.write(from: bytes) } catch {
                failure = error
                return 0
            }
        }
        if let failure { return .failure(failure) }
        return .success(left)
    }

    /// Closes a connection and tells the core (unless the core asked for it, in which
    /// case it is told too: `connectionClosed` is how every close is reported). A
    /// failure is logged: a refused TLS peer as a warning, a reset as debug.
    @inlinable func closeConnection(_ slot: Int, flushing: Bool, failure: StreamError? = nil) {
        guard let connection = slots[slot] else { return }
        if flushing { _ = write(connection) }
        if let failure {
            let level: LogLevel = failure.operation == .handshake ? .warning : .debug
            log(LogRecord(level, (connection.stream.peerName ?? "a connection") + ": " + failure.description))
        }
        loop.deregister(token: Self.firstSlotToken + UInt64(slot))
        connection.stream.close()
        slots[slot] = nil
        freeSlots.append(slot)
        state.connectionClosed(connection.id, now: loop.now)
    }

    @inlinable func slot(of id: ConnectionID) -> Int? {
        let slot = Int(truncatingIfNeeded: (id.rawValue & 0xffff_ffff_ffff) &- Self.firstSlotToken)
        guard slot >= 0, slot < slots.count, let connection = slots[slot], connection.id == id else { return nil }
        return slot
    }

    // MARK: After each turn

    @inlinable func afterTurn() {
        readBufferedInput()
        while let id = state.nextClosure() {
            if let slot = slot(of: id) { closeConnection(slot, flushing: true) }
        }
        // Any event may have queued output for any switch (apps send to any datapath);
        // the core lists those that did, so idle connections are not looked at.
        while let id = state.nextQueuedOutput() {
            if let slot = slot(of: id) { flush(slot) }
        }
        pollIfInputIsBuffered()
        state.drainLog(log)
        tickTimer?.arm(at: withCore { $0.nextDeadline }, on: loop)
    }

    /// The connection in `slot` when its stream holds input no readiness will report
    /// (TLS read-ahead) and the core takes input from it.
    @inlinable func bufferedInput(_ slot: Int) -> Connection? {
        guard let connection = slots[slot], connection.stream.hasBufferedInput, withCore({ $0.wantsInput(connection.id) }) else { return nil }
        return connection
    }

    /// Reads the streams that hold input no readiness will report.
    @inlinable func readBufferedInput() {
        for slot in slots.indices {
            if let connection = bufferedInput(slot) { readBatch(slot, connection) }
        }
    }

    /// After the turn's writes (a TLS handshake finishing inside a write can read the
    /// peer's first records ahead): while a stream still holds input, the next turn
    /// polls instead of sleeping, and reads it.
    @inlinable func pollIfInputIsBuffered() {
        if slots.indices.contains(where: { bufferedInput($0) != nil }) { loop.enqueue {} }
    }

    // MARK: Shutdown

    /// Closes the listener and every connection (flushing what each has pending), and
    /// drops the handlers and the timer, which hold the host strongly (Embedded Swift
    /// has no weak references): that ends the cycle. `run()` ends with it.
    @inlinable public func shutdown() {
        loop.deregister(token: Self.listenerToken)
        listener.close()
        for slot in slots.indices where slots[slot] != nil {
            closeConnection(slot, flushing: true)
        }
        state.drainLog(log)
        tickTimer = nil
    }
}
