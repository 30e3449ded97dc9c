/// The wildcard half of the flow table, as Open vSwitch classifies: tuple space search.
/// Flows are grouped by their mask into subtables; in each, a hash index from the masked
/// key to the group of flows with that key. A lookup masks the packet's key once per
/// subtable and probes that subtable's hash, visiting subtables in order of the best
/// priority they hold and stopping once none left can beat the best match found: its
/// cost grows with the number of distinct masks, not of rules.
///
/// Among flows of equal priority the older wins (the order of `sequence`), as in the
/// list this replaces. Nothing here allocates on lookup; inserting and removing may.
///
/// Each subtable also keeps a small Bloom filter of its keys (two bits a key, about
/// eight bits a key in all): a few kilobytes for every subtable together, so it stays in
/// the first-level cache and most subtables that cannot match are passed without
/// touching their hash buckets, the lookup's cache misses. The filter has its own hash,
/// one multiply of the key's words folded together, so passing a subtable costs a
/// mask, a fold and a multiply; the index's stronger hash is computed only for a
/// subtable that may match.
struct TupleSpace {
    /// Flows with one mask and one masked key, best first.
    struct Group {
        var key: FlowKey
        /// (priority, sequence, slot), by priority descending then sequence ascending.
        var members: [Member]
        var best: Member { members[0] }
    }

    struct Member {
        var priority: UInt16
        var sequence: UInt64
        var slot: Int32

        /// True when this member wins over `other` for a packet both match.
        @inline(__always)
        func beats(_ other: Member) -> Bool {
            priority != other.priority ? priority > other.priority : sequence < other.sequence
        }
    }

    struct Subtable {
        // What a lookup reads of every subtable comes first, together in memory.
        let mask: FlowKey
        /// The secret of the filter's hash (seeded like the index, so a peer cannot aim
        /// false positives at it without the seed).
        private let bloomSeed: UInt64
        /// The Bloom filter's words, a power of two of them.
        var bloom: [UInt64] = [0]
        /// The highest priority of any flow here: the lookup's stopping rule.
        var maxPriority: UInt16 = 0
        var index: ExactIndex
        /// Each live group's best member, by group id: what a lookup reads, kept apart
        /// as plain values so reading it retains nothing.
        var bests: [Member] = []
        var groups: [Group?] = []
        var freeGroups: [Int] = []
        var flowCount = 0

        init(mask: FlowKey, seed: UInt64) {
            self.mask = mask
            index = ExactIndex(seed: seed, capacity: 16)
            bloomSeed = (seed ^ 0x5851_F42D_4C95_7F2D) &* 0xD6E8_FEB8_6659_FD93
        }

        /// The filter's hash of a masked key: the words folded (rotated apart so equal
        /// fields in different words do not cancel) and multiplied once.
        @inline(__always)
        func bloomHash(_ k: FlowKey) -> UInt64 {
            let folded = k.w0 ^ (k.w1 << 21 | k.w1 >> 43) ^ (k.w2 << 42 | k.w2 >> 22) ^ (k.w3 << 7 | k.w3 >> 57) ^ k.w4 << 33
            let h = (folded ^ bloomSeed) &* 0x9E37_79B9_7F4A_7C15
            return h ^ h >> 31
        }

        /// False when no group here can have this masked key.
        @inline(__always)
        func mayHold(_ key: FlowKey) -> Bool {
            let hash = bloomHash(key)
            return bloom.withUnsafeBufferPointer { words in
                let bits = UInt64(words.count * 64 - 1)
                let a = hash & bits
                let b = (hash >> 24) & bits
                return words[Int(a >> 6)] & (1 << (a & 63)) != 0 && words[Int(b >> 6)] & (1 << (b & 63)) != 0
            }
        }

        private mutating func addToBloom(_ key: FlowKey) {
            let hash = bloomHash(key)
            let bits = UInt64(bloom.count * 64 - 1)
            for bit in [hash & bits, (hash >> 24) & bits] { bloom[Int(bit >> 6)] |= 1 << (bit & 63) }
        }

        /// Rebuilt from the live keys, about eight bits a key: on growth, and after a
        /// group goes (a Bloom filter cannot forget one key).
        private mutating func rebuildBloom() {
            var words = 1
            while words * 64 < index.count * 8 { words <<= 1 }
            bloom = [UInt64](repeating: 0, count: words)
            for group in groups { if let group { addToBloom(group.key) } }
        }

        /// Adds a flow whose key masked by `mask` is `key`.
        mutating func insert(_ member: Member, key: FlowKey) {
            let id = index.find(key)
            if id >= 0 {
                let position = groups[id]!.members.firstIndex { member.beats($0) } ?? groups[id]!.members.count
                groups[id]!.members.insert(member, at: position)
                bests[id] = groups[id]!.best
            } else {
                let group = Group(key: key, members: [member])
                let newID: Int
                if let free = freeGroups.popLast() {
                    newID = free
                    groups[newID] = group
                    bests[newID] = member
                } else {
                    newID = groups.count
                    groups.append(group)
                    bests.append(member)
                }
                index.insert(key, slot: newID)
                if bloom.count * 64 < index.count * 8 { rebuildBloom() } else { addToBloom(key) }
            }
            flowCount += 1
            maxPriority = max(maxPriority, member.priority)
        }

        /// Removes the flow in `slot`, whose masked key is `key`.
        mutating func remove(slot: Int32, key: FlowKey) {
            let id = index.find(key)
            guard id >= 0, let position = groups[id]!.members.firstIndex(where: { $0.slot == slot }) else { return }
            let removed = groups[id]!.members.remove(at: position)
            if groups[id]!.members.isEmpty {
                index.remove(key)
                groups[id] = nil
                freeGroups.append(id)
                rebuildBloom()
            } else {
                bests[id] = groups[id]!.best
            }
            flowCount -= 1
            if removed.priority == maxPriority {
                maxPriority = groups.reduce(0) { best, group in max(best, group?.best.priority ?? 0) }
            }
        }
    }

    private let seed: UInt64
    /// By `maxPriority`, highest first.
    private(set) var subtables: [Subtable] = []
    private var sequence: UInt64 = 0

    init(seed: UInt64) {
        self.seed = seed
    }

    var isEmpty: Bool { subtables.isEmpty }

    /// The best flow a packet with `key` matches, or nil. Subtables are read in place
    /// through their buffer (a loop variable would copy each and retain its arrays).
    @inline(__always)
    func find(_ key: FlowKey) -> Member? {
        subtables.withUnsafeBufferPointer { subtables in
            var best: Member?
            for i in subtables.indices {
                if let best, subtables[i].maxPriority < best.priority { break }
                let masked = key.masked(by: subtables[i].mask)
                guard subtables[i].mayHold(masked) else { continue }
                let id = subtables[i].index.find(masked)
                guard id >= 0 else { continue }
                let candidate = subtables[i].bests.withUnsafeBufferPointer { $0[id] }
                if best.map({ candidate.beats($0) }) ?? true { best = candidate }
            }
            return best
        }
    }

    /// Adds a flow with `mask` and the masked `key`.
    mutating func insert(slot: Int, priority: UInt16, key: FlowKey, mask: FlowKey) {
        sequence += 1
        let member = Member(priority: priority, sequence: sequence, slot: Int32(slot))
        if let index = subtables.firstIndex(where: { $0.mask == mask }) {
            subtables[index].insert(member, key: key)
        } else {
            var subtable = Subtable(mask: mask, seed: seed ^ UInt64(subtables.count + 1) &* 0x9E37_79B9_7F4A_7C15)
            subtable.insert(member, key: key)
            subtables.append(subtable)
        }
        reorder()
    }

    /// Removes the flow in `slot` with `mask` and the masked `key`.
    mutating func remove(slot: Int, key: FlowKey, mask: FlowKey) {
        guard let index = subtables.firstIndex(where: { $0.mask == mask }) else { return }
        subtables[index].remove(slot: Int32(slot), key: key)
        if subtables[index].flowCount == 0 { subtables.remove(at: index) }
        reorder()
    }

    /// The flows with exactly this mask and masked key, best first (a hash probe).
    func members(mask: FlowKey, key: FlowKey) -> [Member] {
        guard let index = subtables.firstIndex(where: { $0.mask == mask }) else { return [] }
        let id = subtables[index].index.find(key)
        return id >= 0 ? subtables[index].groups[id]!.members : []
    }

    /// Every flow slot in a subtable and group that `keep(mask, key)` accepts: how the
    /// commands that select by match skip the subtables that cannot hold what they look for.
    func slots(where keep: (_ mask: FlowKey, _ key: FlowKey) -> Bool) -> [Int] {
        var result: [Int] = []
        for subtable in subtables {
            for group in subtable.groups {
                guard let group, keep(subtable.mask, group.key) else { continue }
                for member in group.members { result.append(Int(member.slot)) }
            }
        }
        return result
    }

    private mutating func reorder() {
        // Few subtables (one per distinct mask): an insertion sort keeps it cheap.
        subtables.sort { $0.maxPriority > $1.maxPriority }
    }
}
