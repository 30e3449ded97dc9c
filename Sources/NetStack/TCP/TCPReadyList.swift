/// Slots that may have a segment to send, first in first out, each at most once: an
/// intrusive list over slot numbers, so freeing a slot unlinks it in O(1) and nothing
/// grows. `nextSegment` serves the slots round robin.
struct TCPReadyList {
    private var next: [Int32]
    private var previous: [Int32]
    private var linked: [Bool]
    private var head: Int32 = -1
    private var tail: Int32 = -1

    init(slots: Int) {
        next = [Int32](repeating: -1, count: slots)
        previous = [Int32](repeating: -1, count: slots)
        linked = [Bool](repeating: false, count: slots)
    }

    mutating func append(_ slot: Int) {
        guard !linked[slot] else { return }
        linked[slot] = true
        next[slot] = -1
        previous[slot] = tail
        if tail >= 0 { next[Int(tail)] = Int32(slot) } else { head = Int32(slot) }
        tail = Int32(slot)
    }

    mutating func popFirst() -> Int? {
        guard head >= 0 else { return nil }
        let slot = Int(head)
        remove(slot)
        return slot
    }

    mutating func remove(_ slot: Int) {
        guard linked[slot] else { return }
        linked[slot] = false
        let before = previous[slot]
        let after = next[slot]
        if before >= 0 { next[Int(before)] = after } else { head = after }
        if after >= 0 { previous[Int(after)] = before } else { tail = before }
    }
}
