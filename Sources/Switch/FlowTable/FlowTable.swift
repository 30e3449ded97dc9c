import OpenFlow
import Scheduler

/// One flow table: flows in a slab of slots, found through an exact-match hash index
/// and a tuple space of wildcard flows (`TupleSpace`).
///
/// Lookup: the exact index first (O(1); an exact entry outranks every wildcard entry,
/// the OpenFlow 1.0 rule), then one hash probe per distinct wildcard mask, best priority
/// first, stopping once no mask left can win. Among flows of equal priority the older
/// wins (the spec leaves the order open). The commands that select by match (non-strict
/// MODIFY and DELETE, stats, overlap checks) visit only the masks that can hold what
/// they select, and the exact flows only when there are some.
///
/// What a packet touches (counters, last use, the fast-path port) lives in a separate
/// array of plain values, so a hit updates a flow without copying or retaining it.
struct FlowTable {
    /// The per-packet part of a flow.
    struct Hot {
        var packetCount: UInt64 = 0
        var byteCount: UInt64 = 0
        var lastUsed = Instant.zero
        /// `ActionProgram.singleOutput`: the physical port of a lone OUTPUT, or 0.
        var singleOutput: UInt16 = 0
    }

    let tableID: UInt8
    let capacity: Int
    /// The rest of each flow; its counters and last use are in `hot`.
    private var flows: [FlowEntry?] = []
    private var hot: [Hot] = []
    private var freeSlots: [Int32] = []
    private var exact: ExactIndex
    private var wildcard: TupleSpace
    private(set) var count = 0
    var lookupCount: UInt64 = 0
    var matchedCount: UInt64 = 0

    init(tableID: UInt8, capacity: Int, seed: UInt64) {
        self.tableID = tableID
        self.capacity = capacity
        exact = ExactIndex(seed: seed, capacity: min(capacity, 1024))
        wildcard = TupleSpace(seed: seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    var isFull: Bool { count >= capacity }

    /// Every slot, live or free.
    var slots: Range<Int> { flows.indices }

    /// The flow in `slot` with its current counters, or nil for a free slot.
    subscript(slot: Int) -> FlowEntry? {
        guard var flow = flows[slot] else { return nil }
        let h = hot[slot]
        flow.packetCount = h.packetCount
        flow.byteCount = h.byteCount
        flow.lastUsed = h.lastUsed
        return flow
    }

    /// The actions of the live flow in `slot`.
    func program(_ slot: Int) -> ActionProgram { flows[slot].unsafelyUnwrapped.program }

    // MARK: Lookup

    /// The slot of the flow a packet with `key` hits, or -1.
    @inline(__always)
    func find(_ key: FlowKey) -> Int {
        if exact.count > 0 {
            let slot = exact.find(key)
            if slot >= 0 { return slot }
        }
        guard let member = wildcard.find(key) else { return -1 }
        return Int(member.slot)
    }

    /// Counts a packet of `bytes` bytes on the flow in `slot`; returns its fast-path
    /// port (0: run the program).
    @inline(__always)
    mutating func hit(_ slot: Int, bytes: Int, now: Instant) -> UInt16 {
        hot.withUnsafeMutableBufferPointer { hot in
            hot[slot].packetCount &+= 1
            hot[slot].byteCount &+= UInt64(bytes)
            hot[slot].lastUsed = now
            return hot[slot].singleOutput
        }
    }

    // MARK: Selection

    /// The flow with exactly this canonical match and priority.
    func strictSlot(_ match: Match, priority: UInt16) -> Int? {
        if match.isExact {
            let slot = exact.find(FlowKey(match))
            return slot >= 0 && flows[slot]!.priority == priority ? slot : nil
        }
        let mask = FlowKey(maskFor: match.wildcards)
        let key = FlowKey(match).masked(by: mask)
        let member = wildcard.members(mask: mask, key: key).first {
            $0.priority == priority && flows[Int($0.slot)]!.match == match
        }
        return member.map { Int($0.slot) }
    }

    /// Slots of every flow `filter` covers (non-strict), in slot order. A covered flow
    /// matches at least the fields the filter does, so only masks that include the
    /// filter's are visited.
    func slots(coveredBy filter: Match) -> [Int] {
        let mask = FlowKey(maskFor: filter.wildcards)
        let key = FlowKey(filter).masked(by: mask)
        var result = wildcard.slots { $0.includes(mask) && $1.masked(by: mask) == key }.filter {
            filter.covers(flows[$0]!.match)
        }
        if exact.count > 0 {
            for slot in flows.indices {
                if let flow = flows[slot], flow.match.isExact, filter.covers(flow.match) { result.append(slot) }
            }
        }
        return result.sorted()
    }

    /// True when a flow of `priority` could match a packet `match` also matches: only
    /// groups that agree with `match` on the fields both compare are looked at.
    func overlaps(_ match: Match, priority: UInt16) -> Bool {
        let mask = FlowKey(maskFor: match.wildcards)
        let key = FlowKey(match)
        let candidates = wildcard.slots { groupMask, groupKey in
            let common = groupMask.masked(by: mask)
            return groupKey.masked(by: common) == key.masked(by: common)
        }
        for slot in candidates where flows[slot]!.priority == priority && flows[slot]!.match.overlaps(match) {
            return true
        }
        guard exact.count > 0 else { return false }
        for flow in flows {
            if let flow, flow.match.isExact, flow.priority == priority, flow.match.overlaps(match) { return true }
        }
        return false
    }

    // MARK: Changes

    /// Adds a flow (the caller checked capacity and that no identical flow exists).
    @discardableResult
    mutating func insert(_ entry: FlowEntry) -> Int {
        let slot: Int
        let state = Hot(
            packetCount: entry.packetCount, byteCount: entry.byteCount, lastUsed: entry.lastUsed,
            singleOutput: entry.program.singleOutput)
        if let free = freeSlots.popLast() {
            slot = Int(free)
            flows[slot] = entry
            hot[slot] = state
        } else {
            slot = flows.count
            flows.append(entry)
            hot.append(state)
        }
        count += 1
        if entry.match.isExact {
            exact.insert(FlowKey(entry.match), slot: slot)
        } else {
            let mask = FlowKey(maskFor: entry.match.wildcards)
            wildcard.insert(slot: slot, priority: entry.priority, key: FlowKey(entry.match).masked(by: mask), mask: mask)
        }
        return slot
    }

    /// Puts `entry`, with the same match and priority, in place of the flow in `slot`:
    /// counters and lifetime start again.
    mutating func replace(_ slot: Int, with entry: FlowEntry) {
        flows[slot] = entry
        hot[slot] = Hot(
            packetCount: entry.packetCount, byteCount: entry.byteCount, lastUsed: entry.lastUsed,
            singleOutput: entry.program.singleOutput)
    }

    /// New actions and cookie for the flow in `slot`; counters and lifetime kept.
    mutating func modify(_ slot: Int, actions: [Action], program: ActionProgram, cookie: UInt64) {
        flows[slot]!.actions = actions
        flows[slot]!.program = program
        flows[slot]!.cookie = cookie
        hot[slot].singleOutput = program.singleOutput
    }

    /// Removes the flow in `slot` and returns it with its final counters.
    @discardableResult
    mutating func remove(_ slot: Int) -> FlowEntry {
        let entry = self[slot]!
        flows[slot] = nil
        hot[slot] = Hot()
        freeSlots.append(Int32(slot))
        count -= 1
        if entry.match.isExact {
            exact.remove(FlowKey(entry.match))
        } else {
            let mask = FlowKey(maskFor: entry.match.wildcards)
            wildcard.remove(slot: slot, key: FlowKey(entry.match).masked(by: mask), mask: mask)
        }
        return entry
    }
}
