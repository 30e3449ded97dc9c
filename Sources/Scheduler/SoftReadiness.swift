/// A source of readiness with no descriptor behind it (an in-memory stream, a
/// connection of our own TCP/IP stack): asked, on every wait, what it is ready for now.
public protocol ReadinessSource: AnyObject {
    /// What the source could do right now: read (bytes or the end are waiting), write
    /// (there is room), or it has failed or been closed (a read says which).
    func currentReadiness() -> (readable: Bool, writable: Bool, closed: Bool)
}

/// The descriptor-less sources a loop watches, by token, with what each is watched for.
/// `SoftPlatform` reports them level-triggered, exactly as epoll reports sockets, so a
/// loop written for sockets needs no change for them.
public final class SoftReadiness {
    private struct Entry {
        let source: any ReadinessSource
        var readable: Bool
        var writable: Bool
    }
    private var entries = IntegerDictionary<Entry>()

    public init() {}

    /// Starts watching `source` under `token`, or changes what it is watched for.
    public func watch(_ source: any ReadinessSource, token: UInt64, readable: Bool, writable: Bool) {
        entries[token] = Entry(source: source, readable: readable, writable: writable)
    }

    public func unwatch(token: UInt64) {
        entries[token] = nil
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// True when some watched source is ready for what it is watched for (or closed).
    public var anyReady: Bool {
        for entry in entries.values {
            let now = entry.source.currentReadiness()
            if (entry.readable && now.readable) || (entry.writable && now.writable) || now.closed { return true }
        }
        return false
    }

    /// Reports every watched source that is ready for what it is watched for now (a
    /// closed one always); returns how many were reported.
    @discardableResult
    public func report(_ ready: (Readiness) -> Void) -> Int {
        var count = 0
        for (token, entry) in zip(entries.keys, entries.values) {
            let now = entry.source.currentReadiness()
            let readable = entry.readable && now.readable
            let writable = entry.writable && now.writable
            guard readable || writable || now.closed else { continue }
            ready(Readiness(token: token, readable: readable, writable: writable, closed: now.closed))
            count += 1
        }
        return count
    }
}

/// A platform that adds descriptor-less sources to another one: each wait first looks at
/// the soft sources; if any is ready the base platform is only polled (no sleep), and
/// both kinds are reported. Sources that become ready while the loop dispatches are
/// seen at the next wait, so nothing is missed.
public struct SoftPlatform<Base: Platform>: Platform {
    public var base: Base
    public let soft: SoftReadiness

    public init(base: Base, soft: SoftReadiness = SoftReadiness()) {
        self.base = base
        self.soft = soft
    }

    public func now() -> Instant { base.now() }

    public mutating func wait(until deadline: Instant?, _ ready: (Readiness) -> Void) {
        guard soft.anyReady else {
            base.wait(until: deadline, ready)
            return
        }
        base.wait(until: base.now(), ready)
        soft.report(ready)
    }
}
