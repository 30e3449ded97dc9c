/// The exact-match half of the flow table: a hash table from the packed 12-tuple to a
/// flow's slot, with open addressing and linear probing.
///
/// The probe array holds one word per bucket, the hash's high 32 bits (a tag) and the
/// slot, so probing stays within a few cache lines; the full key, kept by slot, is
/// compared only when a tag matches. The load factor stays at or below one half, so
/// probes are short; deletion shifts later entries back instead of leaving tombstones,
/// so a table that churns does not slow down. Growing (doubling) happens on insert
/// only, never on lookup.
struct ExactIndex {
    /// 0 for an empty bucket, else tag << 32 | (slot + 1).
    private var buckets: [UInt64]
    /// The key of each slot in the table (entries of free slots are stale).
    private var keys: [FlowKey] = []
    private var mask: Int
    private let seeds: HashSeeds
    private(set) var count = 0

    init(seed: UInt64, capacity: Int = 64) {
        seeds = HashSeeds(seed)
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        buckets = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    /// The slot stored for `key`, or -1.
    @inline(__always)
    func find(_ key: FlowKey) -> Int {
        let hash = key.hash(seeds)
        let tag = hash >> 32
        return buckets.withUnsafeBufferPointer { buckets in
            keys.withUnsafeBufferPointer { keys in
                var i = Int(truncatingIfNeeded: hash) & mask
                while true {
                    let bucket = buckets[i]
                    if bucket == 0 { return -1 }
                    if bucket >> 32 == tag {
                        let slot = Int(truncatingIfNeeded: bucket & 0xFFFF_FFFF) &- 1
                        if keys[slot] == key { return slot }
                    }
                    i = (i &+ 1) & mask
                }
            }
        }
    }

    /// Stores `slot` for `key`, which must not be present.
    mutating func insert(_ key: FlowKey, slot: Int) {
        if (count + 1) * 2 > buckets.count { grow() }
        if slot >= keys.count {
            keys.append(contentsOf: repeatElement(FlowKey(w0: 0, w1: 0, w2: 0, w3: 0, w4: 0), count: slot + 1 - keys.count))
        }
        keys[slot] = key
        place(key, slot: slot)
        count += 1
    }

    private mutating func place(_ key: FlowKey, slot: Int) {
        let hash = key.hash(seeds)
        var i = Int(truncatingIfNeeded: hash) & mask
        while buckets[i] != 0 { i = (i + 1) & mask }
        buckets[i] = (hash & 0xFFFF_FFFF_0000_0000) | UInt64(slot + 1)
    }

    private func home(_ bucket: UInt64) -> Int {
        let slot = Int(truncatingIfNeeded: bucket & 0xFFFF_FFFF) - 1
        return Int(truncatingIfNeeded: keys[slot].hash(seeds)) & mask
    }

    /// Forgets `key`; true if it was present.
    @discardableResult
    mutating func remove(_ key: FlowKey) -> Bool {
        let slot = find(key)
        guard slot >= 0 else { return false }
        var i = Int(truncatingIfNeeded: key.hash(seeds)) & mask
        while Int(truncatingIfNeeded: buckets[i] & 0xFFFF_FFFF) != slot + 1 { i = (i + 1) & mask }
        // Backward shift: move each later entry of the run into the hole when its home
        // position does not lie cyclically in (hole, entry].
        var hole = i
        var j = i
        while true {
            j = (j + 1) & mask
            if buckets[j] == 0 { break }
            let k = home(buckets[j])
            let movable = hole <= j ? (k <= hole || k > j) : (k <= hole && k > j)
            if movable {
                buckets[hole] = buckets[j]
                hole = j
            }
        }
        buckets[hole] = 0
        count -= 1
        return true
    }

    private mutating func grow() {
        let old = buckets
        buckets = [UInt64](repeating: 0, count: old.count * 2)
        mask = buckets.count - 1
        for bucket in old where bucket != 0 {
            let slot = Int(truncatingIfNeeded: bucket & 0xFFFF_FFFF) - 1
            place(keys[slot], slot: slot)
        }
    }
}
