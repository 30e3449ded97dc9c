/// The connection slots that queued output since the I/O layer last asked, so that after
/// a turn it writes those and not every connection. A slot is in the list at most once,
/// so the list never outgrows the slots, even for a caller that never asks: one written
/// empty stays listed but marked stale (skipped when taken, made live again by new
/// output). States per slot, beside the sessions rather than in them: reading a flag
/// out of an optional session copied the whole session.
struct OutputQueue {
    private enum State: UInt8 {
        case absent, live, stale
    }

    private var slots: [Int] = []
    private var states: [State] = []

    /// `slot` has output queued. Inlined: it runs for every message sent.
    @inline(__always)
    mutating func add(_ slot: Int) {
        guard slot >= states.count || states[slot] != .live else { return }
        list(slot)
    }

    private mutating func list(_ slot: Int) {
        if slot >= states.count { states.append(contentsOf: repeatElement(.absent, count: slot + 1 - states.count)) }
        if states[slot] == .absent { slots.append(slot) }
        states[slot] = .live
    }

    /// `slot`'s output was written empty, or its connection closed.
    mutating func written(_ slot: Int) {
        if slot < states.count, states[slot] == .live { states[slot] = .stale }
    }

    /// The next slot with output, taken off the list.
    mutating func next() -> Int? {
        while let slot = slots.popLast() {
            let state = states[slot]
            states[slot] = .absent
            if state == .live { return slot }
        }
        return nil
    }
}
