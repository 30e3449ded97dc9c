/// The client's place in RFC 2131 figure 5.
public enum DHCPState: Equatable, Sendable {
    /// Not started, or released.
    case stopped
    /// INIT: waiting to begin discovery again (after a NAK the wait grows; after a
    /// lease expires or REQUESTING gives up, discovery begins at once).
    case initial
    /// DISCOVER sent, waiting for an OFFER.
    case selecting
    /// REQUEST for an offered address sent, waiting for ACK or NAK.
    case requesting
    case bound
    /// Past T1: unicast REQUEST to the lease's server.
    case renewing
    /// Past T2: broadcast REQUEST to any server.
    case rebinding
}
