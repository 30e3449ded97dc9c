import Scheduler
import Wire

/// Claiming the configured address (RFC 5227): probes, then the address is taken and
/// announced. While probing, the address is not answered for in ARP and datagrams to
/// it are not taken; frames we send wait behind ARP (whose requests would reveal the
/// address) and go once it is taken. A conflict during probing gives the address up.
extension NetStack {
    /// The address is configured and probing found no one else on it.
    var addressInUse: Bool { configuration.isConfigured && claim?.isProbing != true }

    /// True while probing whether the configured address is free.
    public var isProbingAddress: Bool { claim?.isProbing == true }

    /// Starts claiming the configured address (or stops, when there is none).
    mutating func claimAddress(now: Instant) {
        guard configuration.isConfigured else {
            claim = nil
            return
        }
        let probing = configuration.probing
        let spread = probing.interval.nanoseconds
        let delay = Interval(nanoseconds: spread == 0 ? 0 : splitMix(&random) % spread)
        claim = AddressClaim(address: configuration.address, settings: probing, now: now, delay: delay)
        advanceClaim(now: now)
    }

    /// Sends the probes and announcements due at `now`.
    mutating func advanceClaim(now: Instant) {
        while let step = claim?.next(now: now) {
            switch step {
            case .probe:
                probe()
            case .take:
                arp.expediteRequests(now: now)
            case .announce:
                announce()
            }
        }
        if claim?.deadline == nil { claim = nil }
    }

    /// RFC 5227 2.1.1: while probing, any ARP packet from our candidate address, or
    /// another host's probe for it, means the address is taken. Gives it up and says so.
    mutating func probeConflict(operation: UInt16, senderIP: IPv4Address, senderMAC: MACAddress, targetIP: IPv4Address) -> Bool {
        guard let claim, claim.isProbing else { return false }
        let candidate = claim.address
        let probesForIt = operation == ARPPacket.request && senderIP == .any && targetIP == candidate
        guard senderIP == candidate || probesForIt else { return false }
        self.claim = nil
        configuration.address = .any
        counters.addressConflicts &+= 1
        post(.addressInUse(candidate, senderMAC))
        return true
    }
}
