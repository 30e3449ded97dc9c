/// Identifies a scheduled timer, for cancellation.
public struct TimerID: Hashable, Sendable {
    public let rawValue: UInt64
}

/// A binary min-heap of deadlines. Timers due at the same instant fire in the order they
/// were scheduled. Cancellation is lazy: a cancelled entry leaves the live set at once
/// and is dropped from the heap when it surfaces, so cancel is O(1).
///
/// A repeating timer keeps its id and is re-armed as it fires, so one `cancel` stops
/// it, even from inside its own task.
public struct TimerHeap<Payload> {
    struct Entry {
        var deadline: Instant
        var id: UInt64
        var payload: Payload
        /// Set for a repeating timer.
        var period: Interval?

        func precedes(_ other: Entry) -> Bool {
            deadline < other.deadline || (deadline == other.deadline && id < other.id)
        }
    }

    private var entries: [Entry] = []
    /// The ids of live timers (the value is unused).
    private var live = IntegerIndex()
    private var nextID: UInt64 = 1

    public init() {}

    /// Timers scheduled and neither fired nor cancelled.
    public var count: Int { live.count }
    public var isEmpty: Bool { count == 0 }

    /// The earliest live deadline, or nil when no timer is pending.
    public mutating func nextDeadline() -> Instant? {
        dropCancelledTop()
        return entries.first?.deadline
    }

    @discardableResult
    public mutating func schedule(at deadline: Instant, _ payload: Payload) -> TimerID {
        insert(Entry(deadline: deadline, id: takeID(), payload: payload))
    }

    /// A timer due at `deadline`, then every `period` after it until cancelled. Each
    /// deadline is the previous one plus `period`, so the period does not drift; deadlines
    /// that passed while nobody popped are skipped, not fired in a burst. A zero period
    /// counts as one nanosecond.
    @discardableResult
    public mutating func schedule(at deadline: Instant, every period: Interval, _ payload: Payload) -> TimerID {
        let period = max(period, Interval(nanoseconds: 1))
        return insert(Entry(deadline: deadline, id: takeID(), payload: payload, period: period))
    }

    /// Cancels a pending timer; cancelling one that already fired does nothing.
    public mutating func cancel(_ timer: TimerID) {
        live.removeValue(forKey: timer.rawValue)
    }

    /// Removes and returns the earliest timer due at or before `now`; a repeating one is
    /// re-armed at its first deadline after `now` and stays live.
    public mutating func popExpired(now: Instant) -> Payload? {
        dropCancelledTop()
        guard let first = entries.first, first.deadline <= now else { return nil }
        var entry = removeTop()
        guard let period = entry.period else {
            live.removeValue(forKey: entry.id)
            return entry.payload
        }
        // The first deadline on the period's grid after `now` (saturating).
        let periods = (now - entry.deadline).nanoseconds / period.nanoseconds + 1
        let (step, overflow) = periods.multipliedReportingOverflow(by: period.nanoseconds)
        entry.deadline = entry.deadline + Interval(nanoseconds: overflow ? .max : step)
        append(entry)
        return entry.payload
    }

    private mutating func takeID() -> UInt64 {
        defer { nextID += 1 }
        return nextID
    }

    private mutating func insert(_ entry: Entry) -> TimerID {
        live[entry.id] = 0
        append(entry)
        return TimerID(rawValue: entry.id)
    }

    private mutating func append(_ entry: Entry) {
        entries.append(entry)
        siftUp(entries.count - 1)
    }

    private mutating func dropCancelledTop() {
        while let first = entries.first, live[first.id] == nil {
            _ = removeTop()
        }
    }

    private mutating func removeTop() -> Entry {
        let top = entries[0]
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            siftDown(0)
        }
        return top
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].precedes(entries[parent]) else { return }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < entries.count else { return }
            var smallest = left
            if left + 1 < entries.count, entries[left + 1].precedes(entries[left]) { smallest = left + 1 }
            guard entries[smallest].precedes(entries[parent]) else { return }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
