/// What the client did with what it was given; every dropped reply lands in one counter.
public struct DHCPCounters: Equatable, Sendable {
    /// Messages written by `nextMessage`.
    public var transmitted: UInt64 = 0
    /// Replies that moved the state machine (OFFER taken, ACK, NAK).
    public var accepted: UInt64 = 0
    /// Not a parseable BOOTP/DHCP message: short, bad cookie, truncated option, no type.
    public var malformed: UInt64 = 0
    /// Well-formed but not ours: not a BOOTREPLY, not Ethernet, other xid or chaddr,
    /// or a NAK from a server we did not choose.
    public var foreign: UInt64 = 0
    /// Ours, but not what the current state waits for, or missing what it needs
    /// (an OFFER without server identifier, an ACK without lease time).
    public var unexpected: UInt64 = 0
    /// Leases declined because their address was in use (a DECLINE was sent).
    public var declined: UInt64 = 0
    /// Events discarded because the owner did not drain `nextEvent()`.
    public var eventsDropped: UInt64 = 0

    public init() {}
}
