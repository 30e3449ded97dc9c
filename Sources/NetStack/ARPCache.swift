import Scheduler
import Wire

/// The ARP cache (RFC 826, RFC 1122 2.3.2.1): a fixed table of entries. It decides; the
/// stack sends the requests and moves the pending frames it names.
struct ARPCache {
    enum State { case free, incomplete, reachable, probing }

    struct Entry {
        var address = IPv4Address.any
        var mac = MACAddress.zero
        var state = State.free
        /// Reachable until then; a later use re-requests while the old MAC goes on being used.
        var reachableUntil = Instant.zero
        var retryAt = Instant.zero
        var tries = 0
    }

    /// What a lookup found and what the stack must do about it.
    struct Resolution {
        var mac: MACAddress?
        /// Send an ARP request for the address now.
        var request = false
        /// An unresolved entry was evicted: its pending frames must be dropped.
        var evicted: IPv4Address?
    }

    /// A timer that fired: resend a request, or give the address up.
    enum Timeout {
        case retry(IPv4Address)
        /// `hadPending` when the entry never resolved (its frames are to be dropped).
        case giveUp(IPv4Address, hadPending: Bool)
    }

    private var entries: [Entry]
    let reachableTime: Interval
    let retryInterval: Interval
    let tries: Int

    init(limits: NetStackLimits) {
        entries = [Entry](repeating: Entry(), count: Swift.max(limits.arpCacheEntries, 1))
        reachableTime = limits.arpReachableTime
        retryInterval = limits.arpRetryInterval
        tries = Swift.max(limits.arpRequestTries, 1)
    }

    private func index(of address: IPv4Address) -> Int? {
        for i in 0..<entries.count where entries[i].state != .free && entries[i].address == address { return i }
        return nil
    }

    /// The MAC of a resolved address, without side effects (for tests and diagnostics).
    func mac(for address: IPv4Address) -> MACAddress? {
        guard let i = index(of: address), entries[i].state == .reachable || entries[i].state == .probing else { return nil }
        return entries[i].mac
    }

    /// The next hop's MAC for a frame about to leave, starting or refreshing resolution.
    mutating func resolve(_ address: IPv4Address, now: Instant) -> Resolution {
        if let i = index(of: address) {
            switch entries[i].state {
            case .reachable:
                if now >= entries[i].reachableUntil {
                    entries[i].state = .probing
                    entries[i].tries = 1
                    entries[i].retryAt = now + retryInterval
                    return Resolution(mac: entries[i].mac, request: true)
                }
                return Resolution(mac: entries[i].mac)
            case .probing:
                return Resolution(mac: entries[i].mac)
            case .incomplete, .free:
                return Resolution()
            }
        }
        let (slot, evicted) = freeSlot(allowIncomplete: true)
        guard let slot else { return Resolution() }
        entries[slot] = Entry(address: address, state: .incomplete, retryAt: now + retryInterval, tries: 1)
        return Resolution(request: true, evicted: evicted)
    }

    /// Records `address` at `mac` (RFC 826's merge): updates an entry that exists, adds one
    /// only when `create`. Returns true when the entry was unresolved until now, so its
    /// pending frames can go; `evicted` names an unresolved entry pushed out to make room.
    mutating func learn(
        _ address: IPv4Address, mac: MACAddress, create: Bool, now: Instant
    ) -> (resolved: Bool, evicted: IPv4Address?) {
        if let i = index(of: address) {
            let wasIncomplete = entries[i].state == .incomplete
            entries[i].mac = mac
            entries[i].state = .reachable
            entries[i].reachableUntil = now + reachableTime
            entries[i].tries = 0
            return (wasIncomplete, nil)
        }
        guard create else { return (false, nil) }
        let (slot, evicted) = freeSlot(allowIncomplete: false)
        guard let slot else { return (false, nil) }
        entries[slot] = Entry(address: address, mac: mac, state: .reachable, reachableUntil: now + reachableTime)
        return (false, evicted)
    }

    /// A free entry, else the resolved one closest to expiry, else (if allowed) the oldest
    /// unresolved one, whose address is returned so its frames can be dropped.
    private mutating func freeSlot(allowIncomplete: Bool) -> (Int?, IPv4Address?) {
        var resolved: Int?
        var unresolved: Int?
        for i in 0..<entries.count {
            switch entries[i].state {
            case .free:
                return (i, nil)
            case .reachable, .probing:
                if let r = resolved, entries[r].reachableUntil <= entries[i].reachableUntil { continue }
                resolved = i
            case .incomplete:
                if let u = unresolved, entries[u].retryAt <= entries[i].retryAt { continue }
                unresolved = i
            }
        }
        if let resolved { return (resolved, nil) }
        if allowIncomplete, let unresolved { return (unresolved, entries[unresolved].address) }
        return (nil, nil)
    }

    /// Our address was just taken after probing, and no request went out meanwhile:
    /// every unresolved address gets a full set of requests, starting at the next tick.
    mutating func expediteRequests(now: Instant) {
        for i in 0..<entries.count where entries[i].state == .incomplete {
            entries[i].retryAt = now
            entries[i].tries = 0
        }
    }

    /// The earliest retry or give-up time.
    var nextDeadline: Instant? {
        var earliest: Instant?
        for entry in entries where entry.state == .incomplete || entry.state == .probing {
            if let e = earliest, e <= entry.retryAt { continue }
            earliest = entry.retryAt
        }
        return earliest
    }

    /// One timer due at `now`, handled; call until nil.
    mutating func nextTimeout(now: Instant) -> Timeout? {
        for i in 0..<entries.count where entries[i].state == .incomplete || entries[i].state == .probing {
            guard now >= entries[i].retryAt else { continue }
            let address = entries[i].address
            if entries[i].tries >= tries {
                let hadPending = entries[i].state == .incomplete
                entries[i] = Entry()
                return .giveUp(address, hadPending: hadPending)
            }
            entries[i].tries &+= 1
            entries[i].retryAt = now + retryInterval
            return .retry(address)
        }
        return nil
    }
}
