import OpenFlow
import Wire

/// A learning table: MAC address to port, for one datapath.
///
/// Open addressing with linear probing over a power-of-two array, hashed by a seeded
/// multiply-xorshift mix instead of the standard library's SipHash (`Hasher` took a
/// sixth of the learning switch's time in cbench). Bounded for hostile traffic: at most
/// `limit` addresses (a new one then evicts an old one) and at most `maxProbe` slots
/// looked at per operation (an address whose run is full replaces the one in its home
/// slot), so a flood of chosen source addresses costs neither memory nor time without
/// bound. The seed keeps an outsider from choosing addresses that share slots.
/// Allocates only when it grows.
public struct MACPortTable {
    /// A used slot holds the MAC with this bit set (MACs are 48 bits), an empty one 0.
    private static let used: UInt64 = 1 << 63
    /// Slots looked at, at most, from an address's home slot.
    public static let maxProbe = 32

    private var keys: [UInt64]
    private var ports: [PortNumber]
    private var mask: Int
    private let seed: UInt64
    /// Where the next eviction looks for a victim (any address will do).
    private var evictionCursor = 0
    public let limit: Int
    public private(set) var count = 0

    /// Up to `limit` addresses (at least 1). `seed` should be random per process.
    public init(limit: Int, seed: UInt64) {
        self.limit = max(limit, 1)
        self.seed = seed
        let capacity = 16
        keys = [UInt64](repeating: 0, count: capacity)
        ports = [PortNumber](repeating: .none, count: capacity)
        mask = capacity - 1
    }

    public subscript(mac: MACAddress) -> PortNumber? {
        guard let slot = find(mac.rawValue | Self.used) else { return nil }
        return ports[slot]
    }

    /// The same lookup as the subscript, as a `mutating` call: on a table held inside a
    /// collection (one per datapath), a read through the collection's getter copies the
    /// table first, and this goes through its in-place accessor instead.
    public mutating func lookUp(_ mac: MACAddress) -> PortNumber? {
        self[mac]
    }

    /// Learns `mac` on `port`; returns the port it was on before, if it was known.
    @discardableResult
    public mutating func update(_ mac: MACAddress, port: PortNumber) -> PortNumber? {
        let key = mac.rawValue | Self.used
        if let slot = find(key) {
            let old = ports[slot]
            ports[slot] = port
            return old
        }
        if count >= limit {
            evictOne()
        } else if (count + 1) * 2 > keys.count {
            grow()
        }
        insert(key, port)
        return nil
    }

    /// `update(source, port:)`, then `lookUp(destination)`: a learning switch's two
    /// steps per packet in one access to a table held in a collection (each access
    /// costs a uniqueness check and the collection's accessor).
    public mutating func update(
        _ source: MACAddress, port: PortNumber, lookingUp destination: MACAddress
    ) -> (previous: PortNumber?, destination: PortNumber?) {
        let previous = update(source, port: port)
        return (previous, self[destination])
    }

    /// Forgets every address on `port` (a port that went down).
    public mutating func removeAll(onPort port: PortNumber) {
        var survivors: [(UInt64, PortNumber)] = []
        for slot in keys.indices where keys[slot] != 0 && ports[slot] != port {
            survivors.append((keys[slot], ports[slot]))
        }
        rebuild(capacity: keys.count, with: survivors)
    }

    // MARK: Slots

    private func home(_ key: UInt64) -> Int {
        var x = key ^ seed
        x = (x ^ (x >> 32)) &* 0xd6e8_feb8_6659_fd93
        x = (x ^ (x >> 32)) &* 0xd6e8_feb8_6659_fd93
        return Int(truncatingIfNeeded: x ^ (x >> 32)) & mask
    }

    private func find(_ key: UInt64) -> Int? {
        var slot = home(key)
        for _ in 0..<Self.maxProbe {
            let found = keys[slot]
            if found == key { return slot }
            if found == 0 { return nil }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Puts a key that is not in the table into the first empty slot of its run, or, when
    /// the run is full for `maxProbe` slots, over the address in its home slot.
    private mutating func insert(_ key: UInt64, _ port: PortNumber) {
        let start = home(key)
        var slot = start
        for _ in 0..<Self.maxProbe {
            if keys[slot] == 0 {
                keys[slot] = key
                ports[slot] = port
                count += 1
                return
            }
            slot = (slot + 1) & mask
        }
        keys[start] = key
        ports[start] = port
    }

    /// Removes some address: the next used slot from the cursor.
    private mutating func evictOne() {
        var slot = evictionCursor & mask
        while keys[slot] == 0 { slot = (slot + 1) & mask }
        evictionCursor = slot + 1
        remove(at: slot)
    }

    /// Empties `slot` and moves later addresses of the run back into the gap, so that
    /// every address stays reachable from its home slot (no tombstones).
    private mutating func remove(at slot: Int) {
        var gap = slot
        var next = (slot + 1) & mask
        while keys[next] != 0 {
            let want = home(keys[next])
            // `next` may fill the gap unless its home lies after the gap, up to `next`.
            if (next - want) & mask >= (next - gap) & mask {
                keys[gap] = keys[next]
                ports[gap] = ports[next]
                gap = next
            }
            next = (next + 1) & mask
        }
        keys[gap] = 0
        count -= 1
    }

    private mutating func grow() {
        var entries: [(UInt64, PortNumber)] = []
        entries.reserveCapacity(count)
        for slot in keys.indices where keys[slot] != 0 { entries.append((keys[slot], ports[slot])) }
        rebuild(capacity: keys.count * 2, with: entries)
    }

    private mutating func rebuild(capacity: Int, with entries: [(UInt64, PortNumber)]) {
        keys = [UInt64](repeating: 0, count: capacity)
        ports = [PortNumber](repeating: .none, count: capacity)
        mask = capacity - 1
        count = 0
        for (key, port) in entries { insert(key, port) }
    }
}
