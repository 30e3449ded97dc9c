/// What the client tells its owner, in order, through `DHCPClient.nextEvent()`.
public enum DHCPEvent: Equatable, Sendable {
    /// A new address: configure it (replacing any earlier one).
    case bound(DHCPLease)
    /// The same address, extended: update the times (and router, DNS if they changed).
    case renewed(DHCPLease)
    /// The lease expired or a server refused it (NAK): stop using the address, if one
    /// was configured. The client has already begun discovery again.
    case lost
}
