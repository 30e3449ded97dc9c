/// A hash table from 64-bit keys to `Int` values, not generic: connection, datapath,
/// token and port tables use it instead of `Dictionary`.
///
/// Why not `Dictionary`: each key/value pair specialised it again (about 1.7 KB of code
/// per pair in a unikernel image, eleven pairs in the controller's), and its SipHash
/// cost about 200 instructions per lookup on the controller's per-read path. This is
/// open addressing with linear probing over a power-of-two array, at most half full,
/// hashed by a seeded 64-bit finaliser (splitmix64's), with backward-shift deletion so
/// no tombstones build up. It lives in Scheduler because every layer that keeps such
/// tables (the scheduler itself, the stack's host, the controller, the platform)
/// already imports it. Allocates only when it grows.
public struct IntegerIndex {
    @usableFromInline
    struct Slot {
        @usableFromInline var key: UInt64
        @usableFromInline var value: Int
        @usableFromInline var used: Bool

        @usableFromInline
        init(key: UInt64, value: Int, used: Bool) {
            self.key = key
            self.value = value
            self.used = used
        }
    }

    // Lookups are inlinable (and so is what they read): the controller looks a
    // connection up several times per read, and a call cost twice the lookup.
    @usableFromInline var slots: [Slot] = []
    /// `slots.count - 1`; slots.count is 0 or a power of two.
    @usableFromInline var mask = -1
    @usableFromInline let seed: UInt64
    public private(set) var count = 0

    /// `seed` keys the hash; where outsiders choose the keys (datapath ids), pass a
    /// random one so they cannot choose keys that share slots.
    public init(seed: UInt64 = 0) {
        self.seed = seed
    }

    public var isEmpty: Bool { count == 0 }

    /// The value stored for `key`; assigning nil removes it.
    public subscript(key: UInt64) -> Int? {
        @inlinable get {
            guard let slot = find(key) else { return nil }
            return slots[slot].value
        }
        set {
            if let newValue { insert(key, newValue) } else { removeValue(forKey: key) }
        }
    }

    /// Removes `key`; returns the value it had.
    @discardableResult
    public mutating func removeValue(forKey key: UInt64) -> Int? {
        guard var hole = find(key) else { return nil }
        let value = slots[hole].value
        // Backward shift: move later members of the run into the hole when their home
        // slot is not between the hole and them (cyclically), so every key stays
        // reachable from its home slot without a tombstone.
        var next = (hole + 1) & mask
        while slots[next].used {
            let home = self.home(slots[next].key)
            if (next - home) & mask >= (next - hole) & mask {
                slots[hole] = slots[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        slots[hole].used = false
        count -= 1
        return value
    }

    public mutating func removeAll() {
        for slot in slots.indices { slots[slot].used = false }
        count = 0
    }

    /// Every key with its value, in slot order (no particular order).
    public func forEach(_ body: (UInt64, Int) -> Void) {
        for slot in slots.indices where slots[slot].used { body(slots[slot].key, slots[slot].value) }
    }

    /// The keys, in no particular order.
    public var keys: [UInt64] {
        var keys: [UInt64] = []
        keys.reserveCapacity(count)
        forEach { key, _ in keys.append(key) }
        return keys
    }

    @inlinable
    func home(_ key: UInt64) -> Int {
        var mixed = key &+ seed
        mixed = (mixed ^ (mixed >> 30)) &* 0xbf58_476d_1ce4_e5b9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94d0_49bb_1331_11eb
        return Int(truncatingIfNeeded: mixed ^ (mixed >> 31)) & mask
    }

    @inlinable
    func find(_ key: UInt64) -> Int? {
        guard count > 0 else { return nil }
        var slot = home(key)
        while slots[slot].used {
            if slots[slot].key == key { return slot }
            slot = (slot + 1) & mask
        }
        return nil
    }

    private mutating func insert(_ key: UInt64, _ value: Int) {
        if let slot = find(key) {
            slots[slot].value = value
            return
        }
        if (count + 1) * 2 > slots.count { grow() }
        place(key, value)
        count += 1
    }

    /// Puts a key known to be absent into the first free slot of its run.
    private mutating func place(_ key: UInt64, _ value: Int) {
        var slot = home(key)
        while slots[slot].used { slot = (slot + 1) & mask }
        slots[slot] = Slot(key: key, value: value, used: true)
    }

    private mutating func grow() {
        let old = slots
        let capacity = max(8, old.count * 2)
        slots = [Slot](repeating: Slot(key: 0, value: 0, used: false), count: capacity)
        mask = capacity - 1
        for slot in old where slot.used { place(slot.key, slot.value) }
    }
}
