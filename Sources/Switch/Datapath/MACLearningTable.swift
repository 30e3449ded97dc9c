import OpenFlow
import Scheduler
import Wire

/// The NORMAL action's Ethernet learning table: (VLAN, MAC) to port, with aging.
///
/// Bounded: at capacity a new address replaces the one seen longest ago (a scan, paid
/// only when the table is full). An entry older than `aging` is ignored and dropped
/// when next looked up.
struct MACLearningTable {
    private struct Entry {
        var port: PortNumber
        var seen: Instant
    }

    /// Keyed by `key(_:vlan:)`, under a seed: the traffic chooses the addresses.
    private var entries: IntegerDictionary<Entry>
    let capacity: Int
    let aging: Interval

    init(capacity: Int, aging: Interval, seed: UInt64) {
        self.capacity = max(capacity, 1)
        self.aging = aging
        entries = IntegerDictionary(seed: seed)
    }

    var count: Int { entries.count }

    /// MAC in the low 48 bits, VID + 1 (0 untagged) above them.
    private static func key(_ mac: MACAddress, vlan: UInt16?) -> UInt64 {
        mac.rawValue | UInt64(vlan.map { ($0 & 0x0FFF) + 1 } ?? 0) << 48
    }

    mutating func learn(_ mac: MACAddress, vlan: UInt16?, port: PortNumber, now: Instant) {
        let key = Self.key(mac, vlan: vlan)
        if entries.position(of: key) == nil, entries.count >= capacity,
            let oldest = entries.values.indices.min(by: { entries[at: $0].seen < entries[at: $1].seen })
        {
            entries.removeValue(forKey: entries.keys[oldest])
        }
        entries[key] = Entry(port: port, seen: now)
    }

    mutating func port(of mac: MACAddress, vlan: UInt16?, now: Instant) -> PortNumber? {
        let key = Self.key(mac, vlan: vlan)
        guard let entry = entries[key] else { return nil }
        guard now - entry.seen < aging else {
            entries[key] = nil
            return nil
        }
        return entry.port
    }

    /// Forgets every address learned on `port` (deleted, down).
    mutating func forget(port: PortNumber) {
        for (key, entry) in zip(entries.keys, entries.values) where entry.port == port {
            entries.removeValue(forKey: key)
        }
    }
}
