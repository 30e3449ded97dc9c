/// The cooperative run loop: a runnable queue, a timer heap, and a wait on the platform
/// until the next deadline. One per core; nothing in it locks.
///
/// Each turn runs every task made runnable before the turn began, fires every timer
/// that is due, then waits for I/O (not at all if work is already queued) and calls
/// the handler registered for each ready token. Handlers run after the wait returns, so
/// they may use the loop freely (read `now`, schedule, register).
///
/// Its state skips dynamic exclusivity checks: only the loop's own thread touches it,
/// and a turn dispatches after the wait, from its own copy of the ready list, so no
/// access to a property overlaps another. Checked, they cost ~600 instructions per
/// OpenFlow round trip (callgrind, cbench latency mode), a tenth of the controller's
/// work.
public final class RunLoop<P: Platform> {
    @exclusivity(unchecked) public var platform: P
    @exclusivity(unchecked) private var runnable: [() -> Void] = []
    @exclusivity(unchecked) private var draining: [() -> Void] = []
    @exclusivity(unchecked) private var timers = TimerHeap<(Instant) -> Void>()
    @exclusivity(unchecked) private var handlers = IntegerDictionary<(Readiness) -> Void>()
    @exclusivity(unchecked) private var ready: [Readiness] = []
    @exclusivity(unchecked) private var stopping = false

    public init(platform: P) {
        self.platform = platform
    }

    public var now: Instant { platform.now() }

    /// Runs `task` on the next turn.
    public func enqueue(_ task: @escaping () -> Void) {
        runnable.append(task)
    }

    /// Runs `task` once at `deadline` (or the first turn after it).
    @discardableResult
    public func schedule(at deadline: Instant, _ task: @escaping () -> Void) -> TimerID {
        timers.schedule(at: deadline) { _ in task() }
    }

    /// Runs `task` once at `deadline`, passing it the time its turn started, so it needs
    /// no reference back to the loop to read the clock.
    @discardableResult
    public func schedule(at deadline: Instant, receivingTime task: @escaping (Instant) -> Void) -> TimerID {
        timers.schedule(at: deadline, task)
    }

    @discardableResult
    public func schedule(after interval: Interval, _ task: @escaping () -> Void) -> TimerID {
        schedule(at: now + interval, task)
    }

    /// Runs `task` every `interval` until cancelled or the loop stops. Deadlines stay on
    /// the grid of the first one, so the period does not drift; a late loop skips the
    /// deadlines it missed. The loop keeps no reference to itself for this, so it is
    /// freed as soon as its owner lets it go.
    @discardableResult
    public func every(_ interval: Interval, _ task: @escaping () -> Void) -> TimerID {
        timers.schedule(at: now + interval, every: interval) { _ in task() }
    }

    public func cancel(_ timer: TimerID) {
        timers.cancel(timer)
    }

    /// Calls `handler` whenever the platform reports `token` ready.
    public func register(token: UInt64, _ handler: @escaping (Readiness) -> Void) {
        handlers[token] = handler
    }

    public func deregister(token: UInt64) {
        handlers[token] = nil
    }

    /// Ends `run()` after the current turn.
    public func stop() {
        stopping = true
    }

    /// Turns until `stop()`.
    public func run() {
        stopping = false
        while !stopping { turn() }
    }

    /// One turn: tasks, due timers, then I/O.
    public func turn() {
        swap(&runnable, &draining)
        for task in draining { task() }
        draining.removeAll(keepingCapacity: true)

        let start = now
        while let timer = timers.popExpired(now: start) { timer(start) }

        // Work queued, or a stop requested during this turn: poll without sleeping.
        let deadline: Instant? = runnable.isEmpty && !stopping ? timers.nextDeadline() : start
        // Collect first, dispatch after: handlers may read the clock or schedule timers,
        // which needs the platform, and the platform is busy for the whole wait.
        ready.removeAll(keepingCapacity: true)
        platform.wait(until: deadline) { self.ready.append($0) }
        for source in ready { handlers[source.token]?(source) }
    }
}
