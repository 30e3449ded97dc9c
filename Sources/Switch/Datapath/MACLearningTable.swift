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

    private var entries: [UInt64: Entry] = [:]
    let capacity: Int
    let aging: Interval

    init(capacity: Int, aging: Interval) {
        self.capacity = max(capacity, 1)
        self.aging = aging
        entries.reserveCapacity(self.capacity)
    }

    var count: Int { entries.count }

    /// MAC in the low 48 bits, VID + 1 (0 untagged) above them.
    private static func key(_ mac: MACAddress, vlan: UInt16?) -> UInt64 {
        mac.rawValue | UInt64(vlan.map { ($0 & 0x0FFF) + 1 } ?? 0) << 48
    }

    mutating func learn(_ mac: MACAddress, vlan: UInt16?, port: PortNumber, now: Instant) {
        let key = Self.key(mac, vlan: vlan)
        if entries[key] == nil, entries.count >= capacity, let oldest = entries.min(by: { $0.value.seen < $1.value.seen }) {
            entries[oldest.key] = nil
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
        entries = entries.filter { $0.value.port != port }
    }
}
