/// The connection slots that queued output since the I/O layer last asked, so that after
/// a turn it writes those and not every connection. Each slot is listed at most once
/// until it is taken or its output is written empty (`written`); an entry left behind
/// by the latter is skipped when taken. Flags per slot, beside the sessions rather than
/// in them: reading a flag out of an optional session copied the whole session.
struct OutputQueue {
    private var slots: [Int] = []
    private var listed: [Bool] = []

    /// `slot` has output queued. Inlined: it runs for every message sent.
    @inline(__always)
    mutating func add(_ slot: Int) {
        guard slot >= listed.count || !listed[slot] else { return }
        list(slot)
    }

    private mutating func list(_ slot: Int) {
        if slot >= listed.count { listed.append(contentsOf: repeatElement(false, count: slot + 1 - listed.count)) }
        listed[slot] = true
        slots.append(slot)
    }

    /// `slot`'s output was written empty, or its connection closed.
    mutating func written(_ slot: Int) {
        if slot < listed.count { listed[slot] = false }
    }

    /// The next listed slot, unlisted.
    mutating func next() -> Int? {
        while let slot = slots.popLast() {
            guard listed[slot] else { continue }
            listed[slot] = false
            return slot
        }
        return nil
    }
}
