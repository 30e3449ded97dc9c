import Wire

/// What the stack tells the application, in order. TCP has its own: `tcp.nextEvent()`.
public enum NetEvent: Sendable, Equatable {
    /// The socket's receive queue went from empty to non-empty: read until nil.
    case udpReadable(UDPSocket)
    /// An answer to `ping`: `length` bytes of payload came back.
    case echoReply(from: IPv4Address, identifier: UInt16, sequence: UInt16, length: Int)
    /// Another machine (this MAC) claims our address.
    case addressConflict(IPv4Address, MACAddress)
    /// Probing found this machine on the address we were about to take (RFC 5227): it
    /// was given up (`address` is `.any` again). A DHCP lease is to be declined.
    case addressInUse(IPv4Address, MACAddress)
}

/// Why an application call was refused.
public enum NetError: Error, Sendable, Equatable {
    case invalidSocket
    case portInUse
    case socketLimit
    /// The output queue has no room for the datagram's frames now.
    case queueFull
    case datagramTooLarge
    /// Off-link with no gateway, or no address configured yet.
    case noRoute
}

/// A bound UDP socket. The generation makes a stale handle fail after its slot is reused.
public struct UDPSocket: Hashable, Sendable {
    public var index: UInt16
    public var generation: UInt16
    public init(index: UInt16, generation: UInt16) {
        self.index = index
        self.generation = generation
    }
}
