import Scheduler

/// How a new address is checked and announced (RFC 5227): ARP probes first, the address
/// taken once they go unanswered, then gratuitous announcements. RFC 5227's own timing
/// (3 probes 1-2 s apart, a 2 s wait) would hold an address back for up to 9 s; the
/// defaults here keep it to about a second, which still catches a live owner on a LAN.
public struct AddressProbing: Sendable {
    /// Probes before the address is taken (PROBE_NUM); 0 takes it at once.
    public var probes = 3
    /// Between probes, and after the last one before taking the address; the first
    /// probe waits a random part of it, so hosts starting together do not collide.
    public var interval = Interval.milliseconds(250)
    /// Gratuitous ARPs once the address is taken (ANNOUNCE_NUM), this far apart.
    public var announcements = 2
    public var announceInterval = Interval.seconds(2)

    public init() {}
}
