/// One timer that follows a sans-IO core's `nextDeadline`: armed again after every
/// turn, moved earlier when the deadline moves earlier (a later deadline keeps the
/// earlier timer: ticking early is harmless to the cores).
///
/// A deadline that the last firing has already passed (the core did not move it) is
/// pushed a millisecond on, so a core that keeps reporting it cannot make the loop spin.
///
/// It holds no reference to the loop (the loop is passed to `arm`), so the pending
/// timer, which holds this object, makes no reference cycle.
public final class DeadlineTimer {
    private let fire: (Instant) -> Void
    private var timer: TimerID?
    private var armedAt: Instant?
    private var lastFired: Instant?

    /// `fire` gets the time it runs at. Timers run inside a turn, before its wait for
    /// I/O, so `fire` should do the caller's after-turn work itself (flush output, arm
    /// again): otherwise what the tick queued would wait for the next I/O event.
    public init(_ fire: @escaping (Instant) -> Void) {
        self.fire = fire
    }

    /// Makes sure the timer fires on `loop` no later than `deadline`; nil needs no timer.
    public func arm<P: Platform>(at deadline: Instant?, on loop: RunLoop<P>) {
        guard var deadline else { return }
        if let lastFired, deadline <= lastFired { deadline = lastFired + .milliseconds(1) }
        if let armedAt, armedAt <= deadline { return }
        if let timer { loop.cancel(timer) }
        armedAt = deadline
        timer = loop.schedule(at: deadline, receivingTime: { now in self.fired(now) })
    }

    private func fired(_ now: Instant) {
        armedAt = nil
        timer = nil
        lastFired = now
        fire(now)
    }
}
