import Scheduler
import Wire

extension DHCPClient {
    /// RFC 2131 section 3.1 step 5 asks for at least this long before starting over, so a
    /// server that keeps offering a taken address does not make a DECLINE loop.
    static let declineBackoff = Interval.seconds(10)

    /// The owner found the leased `address` in use by another machine (its ARP probe was
    /// answered, `NetEvent.addressInUse`): a DECLINE tells the server, the lease is
    /// dropped (`.lost` follows), and discovery begins again after `declineBackoff`.
    /// Another address, or no lease, is ignored.
    public mutating func decline(_ address: IPv4Address, now: Instant) {
        guard let held = lease, held.address == address else { return }
        counters.declined &+= 1
        emit(.lost)
        restart(now: now, after: Self.declineBackoff)
        xid = random.xid()
        pending = .decline(address: held.address, server: held.serverIdentifier)
    }
}
