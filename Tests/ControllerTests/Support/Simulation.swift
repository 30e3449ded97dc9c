import Controller
import OpenFlow
import Scheduler
import Testing

/// The controller core wired in memory to fake switches, on a virtual clock. `run`
/// moves bytes both ways until nothing moves (bounded, to catch livelocks); `advance`
/// moves the clock, ticking the core at each deadline on the way.
struct Simulation<App: ControllerApp> {
    var core: ControllerCore<App>
    var switches: [ConnectionID: FakeSwitch] = [:]
    var now = Instant.zero
    /// Connections the core asked to close, in order.
    var closedByCore: [ConnectionID] = []
    /// Connections whose socket takes nothing from the core (a switch that stopped reading).
    var stalled: Set<ConnectionID> = []
    /// Deliver switch bytes to the core in pieces of this size (1: byte by byte).
    var segmentSize = Int.max
    var log: [LogRecord] = []
    private var lastID: UInt64 = 0

    init(_ app: App, settings: ControllerSettings = ControllerSettings()) {
        core = ControllerCore(app: app, settings: settings)
    }

    /// Opens a connection for `fake` (from `peer`, "HOST:PORT", when given), which says
    /// HELLO, and runs to idle.
    @discardableResult
    mutating func connect(_ fake: FakeSwitch, peer: String? = nil, run: Bool = true) -> ConnectionID {
        lastID += 1
        let id = ConnectionID(lastID)
        var fake = fake
        core.connectionOpened(id, peer: peer, now: now)
        fake.start()
        switches[id] = fake
        if run { self.run() }
        return id
    }

    /// The switch closes its end.
    mutating func disconnect(_ id: ConnectionID) {
        switches[id]?.isClosed = true
        core.connectionClosed(id, now: now)
        run()
    }

    @discardableResult
    mutating func withSwitch<R>(_ id: ConnectionID, _ body: (inout FakeSwitch) -> R) -> R {
        body(&switches[id]!)
    }

    mutating func run(sourceLocation: SourceLocation = #_sourceLocation) {
        for _ in 0..<100_000 {
            guard step() else {
                core.drainLog { log.append($0) }
                return
            }
        }
        Issue.record("the simulation did not settle", sourceLocation: sourceLocation)
    }

    /// Moves the clock by `interval`, ticking the core at every deadline on the way.
    mutating func advance(by interval: Interval, sourceLocation: SourceLocation = #_sourceLocation) {
        let target = now + interval
        for _ in 0..<10_000 {
            guard let deadline = core.nextDeadline, deadline <= target else {
                now = target
                core.tick(now: now)
                run(sourceLocation: sourceLocation)
                return
            }
            now = max(now, deadline)
            core.tick(now: now)
            run(sourceLocation: sourceLocation)
        }
        Issue.record("deadlines did not advance", sourceLocation: sourceLocation)
    }

    /// One pass over every connection; true if any byte moved or a connection closed.
    private mutating func step() -> Bool {
        var moved = false
        for id in switches.keys.sorted() where !switches[id]!.isClosed {
            if !switches[id]!.outbox.isEmpty {
                let bytes = switches[id]!.outbox
                switches[id]!.outbox.removeAll()
                var offset = 0
                while offset < bytes.count {
                    let end = min(bytes.count, offset + segmentSize)
                    core.receive(id, bytes[offset..<end], now: now)
                    offset = end
                }
                moved = true
            }
            if !stalled.contains(id), core.hasOutput(id) {
                let bytes = takeOutput(id)
                switches[id]!.receive(bytes)
                moved = true
            }
        }
        while let id = core.nextClosure() {
            if !stalled.contains(id), core.hasOutput(id) {
                let bytes = takeOutput(id)
                switches[id]?.receive(bytes)
            }
            closedByCore.append(id)
            switches[id]?.isClosed = true
            core.connectionClosed(id, now: now)
            moved = true
        }
        return moved
    }

    mutating func takeOutput(_ id: ConnectionID) -> [UInt8] {
        var bytes: [UInt8] = []
        core.withOutput(id) { unsent in
            bytes = Array(unsent)
            return unsent.count
        }
        return bytes
    }

    func loggedAny(containing text: String) -> Bool {
        log.contains { $0.message.contains(text) }
    }
}
