/// What the client tells its owner, in order, through `DHCPClient.nextEvent()`.
public enum DHCPEvent: Equatable, Sendable {
    /// A new address: configure it (replacing any earlier one).
    case bound(DHCPLease)
    /// The same address, extended: update the times (and router, DNS if they changed).
    case renewed(DHCPLease)
    /// The lease expired, a server refused it (NAK), or it was declined (its address was
    /// in use): stop using the address, if one was configured. The client has already
    /// begun discovery again, or will after a wait.
    case lost
}
