/// Identifies a scheduled timer, for cancellation.
public struct TimerID: Hashable, Sendable {
    public let rawValue: UInt64
}

/// A binary min-heap of deadlines. Timers due at the same instant fire in the order they
/// were scheduled. Cancellation is lazy: a cancelled entry leaves the live set at once
/// and is dropped from the heap when it surfaces, so cancel is O(1).
public struct TimerHeap<Payload> {
    struct Entry {
        var deadline: Instant
        var id: UInt64
        var payload: Payload

        func precedes(_ other: Entry) -> Bool {
            deadline < other.deadline || (deadline == other.deadline && id < other.id)
        }
    }

    private var entries: [Entry] = []
    private var live: Set<UInt64> = []
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
        let id = nextID
        nextID += 1
        live.insert(id)
        entries.append(Entry(deadline: deadline, id: id, payload: payload))
        siftUp(entries.count - 1)
        return TimerID(rawValue: id)
    }

    /// Cancels a pending timer; cancelling one that already fired does nothing.
    public mutating func cancel(_ timer: TimerID) {
        live.remove(timer.rawValue)
    }

    /// Removes and returns the earliest timer due at or before `now`.
    public mutating func popExpired(now: Instant) -> Payload? {
        dropCancelledTop()
        guard let first = entries.first, first.deadline <= now else { return nil }
        let entry = removeTop()
        live.remove(entry.id)
        return entry.payload
    }

    private mutating func dropCancelledTop() {
        while let first = entries.first, !live.contains(first.id) {
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
