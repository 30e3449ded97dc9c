import OpenFlow
import Scheduler

/// The sans-IO controller: bytes and instants in, bytes, closures, events to the app
/// and log records out. It owns no socket and reads no clock, so one run loop (or a
/// test) drives any number of connections through it.
///
/// The I/O layer's part, per connection: `connectionOpened`, then `receive` for every
/// chunk read; write what `withOutput` offers and report how much the socket took;
/// close every connection `nextClosure` names (after flushing what it can) and report
/// every close with `connectionClosed`. Call `tick` when `nextDeadline` passes, and
/// `drainLog` now and then. Each call delivers the events it causes to the app before
/// it returns.
public struct ControllerCore<App: ControllerApp> {
    public var app: App
    public internal(set) var context: AppContext

    public init(app: App, settings: ControllerSettings = ControllerSettings()) {
        self.app = app
        context = AppContext(engine: Engine(settings: settings))
    }

    public var settings: ControllerSettings { context.settings }
    public var counters: ControllerCounters { context.counters }

    /// The registry's entry for a datapath that is up.
    public func datapath(_ id: DatapathID) -> DatapathInfo? { context.datapath(id) }

    /// Runs `body` with the app context, for work that starts outside any event: a
    /// command from the executable, a request in a test.
    public mutating func withContext<R>(now: Instant, _ body: (inout AppContext) -> R) -> R {
        context.engine.shared.now = now
        return body(&context)
    }

    // MARK: Connections

    /// A new connection: queues our HELLO. An id that is already open is ignored.
    /// `peer` ("10.0.0.5:51234") names it in the log until its datapath id is known.
    public mutating func connectionOpened(_ id: ConnectionID, peer: String? = nil, now: Instant) {
        context.engine.shared.now = now
        context.engine.open(id, peer: peer)
    }

    /// Bytes read from a connection, in any segmentation.
    public mutating func receive(_ id: ConnectionID, _ bytes: UnsafeRawBufferPointer, now: Instant) {
        context.engine.shared.now = now
        guard let slot = context.engine.acceptInput(id) else { return }
        context.engine.sessions[slot]!.framer.append(bytes)
        deliverEvents(input: slot)
    }

    /// `receive` for an I/O layer that reads straight into the connection's input buffer
    /// (no copy): `read` is lent room for up to `maximum` bytes and returns how many it
    /// stored. It is not called for a connection the core no longer takes input from.
    /// Not generic (a failed read is the caller's to keep and returns 0): a host generic
    /// over its stream calls this without looking up generic metadata per read.
    public mutating func receive(
        _ id: ConnectionID, now: Instant, maximum: Int, reading read: (UnsafeMutableRawBufferPointer) -> Int
    ) {
        context.engine.shared.now = now
        guard let slot = context.engine.inputSlot(id),
            context.engine.sessions[slot]!.framer.appendReading(maximum: maximum, read) > 0
        else { return }
        context.engine.noteInput(slot)
        deliverEvents(input: slot)
    }

    public mutating func receive(_ id: ConnectionID, _ bytes: ArraySlice<UInt8>, now: Instant) {
        bytes.withUnsafeBytes { receive(id, $0, now: now) }
    }

    /// The connection is gone (the peer closed it, or the I/O layer did after
    /// `nextClosure`). A datapath still up on it goes down.
    public mutating func connectionClosed(_ id: ConnectionID, now: Instant) {
        context.engine.shared.now = now
        context.engine.closed(id)
        deliverEvents(input: nil)
    }

    // MARK: Roles

    /// Asks the switch of `datapath` for `role` (see `Engine.setRole`); false when the
    /// datapath is not up.
    @discardableResult
    public mutating func setRole(_ role: ControllerRole, for datapath: DatapathID, now: Instant) -> Bool {
        context.engine.shared.now = now
        let done = context.engine.setRole(role, for: datapath)
        deliverEvents(input: nil)
        return done
    }

    /// The role last asked of the switch of `datapath`, if it is up.
    public func role(of datapath: DatapathID) -> ControllerRole? { context.engine.role(of: datapath) }

    /// After the apps changed (a policy replaced): every datapath they see starts
    /// afresh, its flows deleted and the apps' state for it installed again.
    public mutating func restartDatapaths(now: Instant) {
        context.engine.shared.now = now
        context.engine.restartVisibleDatapaths()
        deliverEvents(input: nil)
    }

    /// Every datapath that is up, slaves' included, in ascending order.
    public var datapathIDs: [DatapathID] { context.datapathIDs }

    // MARK: Datapaths shared with other cores

    /// Hands `body` each datapath that finished its handshake since the last call,
    /// oldest first (only with `settings.reportsRegistrations`).
    public mutating func drainRegistered(_ body: (DatapathID) -> Void) {
        guard !context.engine.registered.isEmpty else { return }
        for datapath in context.engine.registered { body(datapath) }
        context.engine.registered.removeAll(keepingCapacity: true)
    }

    /// Closes the connection of `datapath`, logging `reason` (another core took the
    /// datapath over); the apps see it go down. False when it is not up here.
    @discardableResult
    public mutating func disconnect(_ datapath: DatapathID, reason: String, now: Instant) -> Bool {
        context.engine.shared.now = now
        let done = context.engine.disconnect(datapath, reason: reason)
        deliverEvents(input: nil)
        return done
    }

    // MARK: Time

    /// When `tick` next has work: the earliest connection deadline (possibly early,
    /// never late) or app timer.
    public var nextDeadline: Instant? { earliest(context.engine.shared.sessionDeadline, app.tickDeadline) }

    /// Does what is due at `now`: echoes, timeouts, request expiry, then app timers.
    /// Harmless to call early or often.
    public mutating func tick(now: Instant) {
        context.engine.shared.now = now
        context.engine.tick()
        deliverEvents(input: nil)
        if let deadline = app.tickDeadline, deadline <= now {
            app.tick(&context)
        }
    }

    // MARK: Output

    public func hasOutput(_ id: ConnectionID) -> Bool { outputCount(id) > 0 }

    /// Bytes queued for every switch and not yet written (a scan of the connections).
    public var outputBacklog: Int { context.engine.outputBacklog }

    /// Unsent bytes queued for a connection.
    public func outputCount(_ id: ConnectionID) -> Int { context.engine.outputCount(id) }

    /// False while the connection's unsent output is above the high-water mark: the I/O
    /// layer should stop reading it until it drains, so TCP pushes back on the switch.
    public func wantsInput(_ id: ConnectionID) -> Bool {
        outputCount(id) < context.settings.outputHighWater
    }

    /// Lends the connection's unsent bytes to `write`, which returns how many the
    /// socket took; those are dropped from the front and the rest stay queued. Not
    /// generic, like `receive(_:now:maximum:reading:)`: a failed write is the caller's
    /// to keep and returns 0. `write` is not called when nothing is queued. Returns the
    /// bytes still queued.
    @discardableResult
    public mutating func withOutput(_ id: ConnectionID, _ write: (UnsafeRawBufferPointer) -> Int) -> Int {
        context.engine.withOutput(id, write)
    }

    /// The next connection the core wants closed, once its queued output (an error
    /// explaining why, say) is flushed as far as the socket allows.
    public mutating func nextClosure() -> ConnectionID? { context.engine.nextClosure() }

    /// Hands every queued log record to `body`, oldest first.
    public mutating func drainLog(_ body: (LogRecord) -> Void) {
        context.engine.shared.logQueue.drain(body)
    }

    private mutating func deliverEvents(input slot: Int?) {
        while let event = context.engine.nextEvent(input: slot) {
            let verdict = app.handle(event, &context)
            context.engine.finished(event, verdict)
        }
    }
}
