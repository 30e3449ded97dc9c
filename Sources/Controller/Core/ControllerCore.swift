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
    /// The context apps are lent. Stored under its own name so that the inlinable input
    /// path below can change it, while `context` stays read-only outside the module.
    @usableFromInline var appContext: AppContext
    public var context: AppContext { appContext }

    public init(app: App, settings: ControllerSettings = ControllerSettings()) {
        self.app = app
        appContext = AppContext(engine: Engine(settings: settings))
    }

    public var settings: ControllerSettings { appContext.settings }
    public var counters: ControllerCounters { appContext.counters }

    /// The registry's entry for a datapath that is up.
    public func datapath(_ id: DatapathID) -> DatapathInfo? { appContext.datapath(id) }

    /// Runs `body` with the app context, for work that starts outside any event: a
    /// command from the executable, a request in a test.
    public mutating func withContext<R>(now: Instant, _ body: (inout AppContext) -> R) -> R {
        appContext.engine.shared.now = now
        return body(&appContext)
    }

    // MARK: Connections

    /// A new connection: queues our HELLO. An id that is already open is ignored.
    /// `peer` ("10.0.0.5:51234") names it in the log until its datapath id is known.
    public mutating func connectionOpened(_ id: ConnectionID, peer: String? = nil, now: Instant) {
        appContext.engine.shared.now = now
        appContext.engine.open(id, peer: peer)
    }

    /// Bytes read from a connection, in any segmentation.
    public mutating func receive(_ id: ConnectionID, _ bytes: UnsafeRawBufferPointer, now: Instant) {
        appContext.engine.shared.now = now
        guard let slot = appContext.engine.acceptInput(id) else { return }
        appContext.engine.sessions[slot]!.framer.append(bytes)
        deliverEvents(input: slot)
    }

    /// `receive` for an I/O layer that reads straight into the connection's input buffer
    /// (no copy): `read` is lent room for up to `maximum` bytes and returns how many it
    /// stored. It is not called for a connection the core no longer takes input from.
    /// Not generic (a failed read is the caller's to keep and returns 0): a host generic
    /// over its stream calls this without looking up generic metadata per read.
    ///
    /// Inlinable, as the event loop below is: the host's module specializes them for its
    /// app, so the app chain is called directly rather than through its witness table.
    /// Run generic, the loop cost ~150 instructions a packet_in in witness calls and
    /// value-witness copies and destroys of the event.
    @inlinable
    public mutating func receive(
        _ id: ConnectionID, now: Instant, maximum: Int, reading read: (UnsafeMutableRawBufferPointer) -> Int
    ) {
        guard let slot = appContext.ingest(id, now: now, maximum: maximum, reading: read) else { return }
        deliverEvents(input: slot)
    }

    public mutating func receive(_ id: ConnectionID, _ bytes: ArraySlice<UInt8>, now: Instant) {
        bytes.withUnsafeBytes { receive(id, $0, now: now) }
    }

    /// The connection is gone (the peer closed it, or the I/O layer did after
    /// `nextClosure`). A datapath still up on it goes down.
    public mutating func connectionClosed(_ id: ConnectionID, now: Instant) {
        appContext.engine.shared.now = now
        appContext.engine.closed(id)
        deliverEvents(input: nil)
    }

    // MARK: Roles

    /// Asks the switch of `datapath` for `role` (see `Engine.setRole`); false when the
    /// datapath is not up.
    @discardableResult
    public mutating func setRole(_ role: ControllerRole, for datapath: DatapathID, now: Instant) -> Bool {
        appContext.engine.shared.now = now
        let done = appContext.engine.setRole(role, for: datapath)
        deliverEvents(input: nil)
        return done
    }

    /// The role last asked of the switch of `datapath`, if it is up.
    public func role(of datapath: DatapathID) -> ControllerRole? { appContext.engine.role(of: datapath) }

    /// After the apps changed (a policy replaced): every datapath they see starts
    /// afresh, its flows deleted and the apps' state for it installed again.
    public mutating func restartDatapaths(now: Instant) {
        appContext.engine.shared.now = now
        appContext.engine.restartVisibleDatapaths()
        deliverEvents(input: nil)
    }

    /// Every datapath that is up, slaves' included, in ascending order.
    public var datapathIDs: [DatapathID] { appContext.datapathIDs }

    // MARK: Datapaths shared with other cores

    /// Hands `body` each datapath that finished its handshake since the last call,
    /// oldest first (only with `settings.reportsRegistrations`).
    public mutating func drainRegistered(_ body: (DatapathID) -> Void) {
        guard !appContext.engine.registered.isEmpty else { return }
        for datapath in appContext.engine.registered { body(datapath) }
        appContext.engine.registered.removeAll(keepingCapacity: true)
    }

    /// Closes the connection of `datapath`, logging `reason` (another core took the
    /// datapath over); the apps see it go down. False when it is not up here.
    @discardableResult
    public mutating func disconnect(_ datapath: DatapathID, reason: String, now: Instant) -> Bool {
        appContext.engine.shared.now = now
        let done = appContext.engine.disconnect(datapath, reason: reason)
        deliverEvents(input: nil)
        return done
    }

    // MARK: Time

    /// When `tick` next has work: the earliest connection deadline (possibly early,
    /// never late) or app timer. Inlinable, like the input path: hosts ask after every
    /// turn, and run generic it copied each app of a chain through its value witnesses.
    @inlinable
    public var nextDeadline: Instant? { earliest(appContext.sessionDeadline, app.tickDeadline) }

    /// Does what is due at `now`: echoes, timeouts, request expiry, then app timers.
    /// Harmless to call early or often.
    public mutating func tick(now: Instant) {
        appContext.engine.shared.now = now
        appContext.engine.tick()
        deliverEvents(input: nil)
        if let deadline = app.tickDeadline, deadline <= now {
            app.tick(&appContext)
        }
    }

    // MARK: Output

    public func hasOutput(_ id: ConnectionID) -> Bool { outputCount(id) > 0 }

    /// Bytes queued for every switch and not yet written (a scan of the connections).
    public var outputBacklog: Int { appContext.engine.outputBacklog }

    /// Unsent bytes queued for a connection.
    public func outputCount(_ id: ConnectionID) -> Int { appContext.engine.outputCount(id) }

    /// False while the connection's unsent output is above the high-water mark: the I/O
    /// layer should stop reading it until it drains, so TCP pushes back on the switch.
    public func wantsInput(_ id: ConnectionID) -> Bool {
        outputCount(id) < appContext.settings.outputHighWater
    }

    /// Lends the connection's unsent bytes to `write`, which returns how many the
    /// socket took; those are dropped from the front and the rest stay queued. Not
    /// generic, like `receive(_:now:maximum:reading:)`: a failed write is the caller's
    /// to keep and returns 0. `write` is not called when nothing is queued. Returns the
    /// bytes still queued.
    @discardableResult
    public mutating func withOutput(_ id: ConnectionID, _ write: (UnsafeRawBufferPointer) -> Int) -> Int {
        appContext.engine.withOutput(id, write)
    }

    /// The next connection that queued output since the last call and still holds it
    /// (each once; in no particular order): after a turn, the I/O layer writes these
    /// and no others. One whose write left bytes queued is the I/O layer's to retry when
    /// it turns writable.
    public mutating func nextQueuedOutput() -> ConnectionID? { appContext.engine.nextQueuedOutput() }

    /// The next connection the core wants closed, once its queued output (an error
    /// explaining why, say) is flushed as far as the socket allows.
    public mutating func nextClosure() -> ConnectionID? { appContext.engine.nextClosure() }

    /// Hands every queued log record to `body`, oldest first.
    public mutating func drainLog(_ body: (LogRecord) -> Void) {
        appContext.engine.shared.logQueue.drain(body)
    }

    @inlinable
    mutating func deliverEvents(input slot: Int?) {
        while true {
            switch appContext.nextStep(input: slot) {
            case .none:
                return
            case .packetIn(let datapath, let packetIn):
                // `finished` has nothing to do for a packet_in.
                _ = app.handle(.packetIn(datapath, packetIn), &appContext)
            case .event:
                let event = appContext.takeEvent()
                let verdict = app.handle(event, &appContext)
                appContext.finished(event, verdict)
            }
        }
    }
}
