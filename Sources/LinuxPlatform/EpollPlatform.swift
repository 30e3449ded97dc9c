import CLinuxPlatform
import Glibc
import Scheduler

/// The hosted platform: CLOCK_MONOTONIC and a level-triggered epoll set.
///
/// Each descriptor is registered under a token, the name `RunLoop` dispatches on.
/// Tokens need not be descriptors: unique ones (a counter) keep a late event for a
/// closed socket from reaching whatever reused its descriptor number.
///
/// Its state skips dynamic exclusivity checks, like `RunLoop`'s: only the loop's
/// thread uses it, and nothing it calls reaches back into it.
public final class EpollPlatform: Platform {
    /// The epoll descriptor.
    public let fd: Int32
    /// Filled by each wait; allocated once, so waiting allocates nothing.
    private let events: UnsafeMutablePointer<epoll_event>
    private let capacity: Int32
    /// Whether waits only poll (see `init`).
    public let busyPoll: Bool
    /// How long waits keep polling after the last event before they sleep (see `init`).
    public let pollWindow: Interval
    /// When the last wait reported something.
    @exclusivity(unchecked) private var lastActivity = Instant.zero
    /// With `recordsWakeTime`, when the last wait returned: a loop measures the work of
    /// its turn from there (`ofcontroller --rest`'s turn-time histogram). Off by default:
    /// a clock read per wait.
    @exclusivity(unchecked) public var recordsWakeTime = false
    @exclusivity(unchecked) public private(set) var lastWake = Instant.zero

    /// `maxEventsPerWait` bounds how many ready descriptors one wait reports; the rest
    /// stay ready (level-triggered) and come in the next turn. With `busyPoll`, a wait
    /// never sleeps: it only polls, and the loop spins. That spends a whole core to take
    /// the wake-up latency out of every round trip, which is what a load generator
    /// pinned to its own core wants (cbench spins the same way). With a `pollWindow`, a
    /// wait within that long of the last event polls until something arrives or the
    /// window closes, and only then sleeps: a request/response exchange (ping, an
    /// OpenFlow round trip) then meets no wake-up, while an idle loop still sleeps (the
    /// adaptive polling of Linux's busy_poll and NAPI).
    public init(maxEventsPerWait: Int = 1024, busyPoll: Bool = false, pollWindow: Interval = .zero) throws(SocketError) {
        precondition(maxEventsPerWait > 0)
        self.busyPoll = busyPoll
        self.pollWindow = pollWindow
        fd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard fd >= 0 else { throw .last(.epollCreate) }
        capacity = Int32(clamping: maxEventsPerWait)
        events = .allocate(capacity: Int(capacity))
    }

    deinit {
        events.deallocate()
        close(fd)
    }

    public func now() -> Instant { MonotonicClock.now() }

    /// Waits for readiness until `deadline` (rounded up to whole milliseconds, so it
    /// never wakes early), or only polls when `busyPoll` is set. A signal interrupting the wait just ends it; the loop turns
    /// again.
    public func wait(until deadline: Instant?, _ ready: (Readiness) -> Void) {
        var timeout: Int32
        if busyPoll {
            timeout = 0
        } else if let deadline {
            let current = now()
            timeout = deadline <= current ? 0 : Int32(clamping: (deadline - current).millisecondsRoundedUp)
        } else {
            timeout = -1
        }
        var count: Int32 = 0
        if timeout != 0, pollWindow > .zero {
            // Poll while the window since the last event is open and no deadline is due.
            let windowEnd = lastActivity + pollWindow
            var current = now()
            while current < windowEnd, deadline.map({ current < $0 }) ?? true {
                count = epoll_wait(fd, events, capacity, 0)
                if count != 0 { break }
                current = now()
            }
            if count == 0, let deadline {
                timeout = deadline <= current ? 0 : Int32(clamping: (deadline - current).millisecondsRoundedUp)
            }
        }
        if count == 0 { count = epoll_wait(fd, events, capacity, timeout) }
        if count > 0, pollWindow > .zero { lastActivity = now() }
        if recordsWakeTime { lastWake = now() }
        guard count >= 0 else {
            if errno == EINTR { return }
            fatalError("\(SocketError.last(.epollWait))")
        }
        let closing = EPOLLHUP.rawValue | EPOLLERR.rawValue | EPOLLRDHUP.rawValue
        for index in 0..<Int(count) {
            let event = events[index]
            ready(Readiness(
                token: event.data.u64,
                readable: event.events & EPOLLIN.rawValue != 0,
                writable: event.events & EPOLLOUT.rawValue != 0,
                closed: event.events & closing != 0))
        }
    }

    /// Starts watching `fd`. While reading is watched, a peer's half-close is reported
    /// as `closed` too; errors and full hang-ups always are.
    public func register(fd: Int32, token: UInt64, readable: Bool = true, writable: Bool = false) throws(SocketError) {
        try control(EPOLL_CTL_ADD, fd, token, readable, writable)
    }

    /// Changes what `fd` is watched for: turn `writable` on only while output waits.
    public func modify(fd: Int32, token: UInt64, readable: Bool, writable: Bool) throws(SocketError) {
        try control(EPOLL_CTL_MOD, fd, token, readable, writable)
    }

    /// Stops watching `fd`. Closing a descriptor removes it as well, so a descriptor that
    /// is no longer registered is not an error here.
    public func deregister(fd: Int32) {
        _ = epoll_ctl(self.fd, EPOLL_CTL_DEL, fd, nil)
    }

    private func control(_ operation: Int32, _ target: Int32, _ token: UInt64, _ readable: Bool, _ writable: Bool) throws(SocketError) {
        var event = epoll_event()
        event.events = (readable ? EPOLLIN.rawValue | EPOLLRDHUP.rawValue : 0)
            | (writable ? EPOLLOUT.rawValue : 0)
        event.data.u64 = token
        guard epoll_ctl(fd, operation, target, &event) == 0 else { throw .last(.epollControl) }
    }
}
