import Scheduler

/// A platform with a hand-driven clock and scripted readiness: waiting jumps the clock
/// to the deadline (or to the next scripted event), so tests never sleep.
struct VirtualPlatform: Platform {
    var clock = Instant.zero
    /// Readiness to report, each at its instant.
    var script: [(at: Instant, ready: Readiness)] = []
    var waits: [Instant?] = []

    func now() -> Instant { clock }

    mutating func wait(until deadline: Instant?, _ ready: (Readiness) -> Void) {
        waits.append(deadline)
        let nextEvent = script.map(\.at).min()
        let wake: Instant
        switch (deadline, nextEvent) {
        case (let d?, let e?): wake = min(d, e)
        case (let d?, nil): wake = d
        case (nil, let e?): wake = e
        case (nil, nil): return
        }
        if wake > clock { clock = wake }
        let due = script.filter { $0.at <= clock }
        script.removeAll { $0.at <= clock }
        for event in due { ready(event.ready) }
    }
}
