import Wire

/// One message `DHCPClient.nextMessage` wrote: its length and its IP addressing. The
/// UDP ports are always `DHCPClient.clientPort` to `DHCPClient.serverPort`.
public struct DHCPOutgoing: Equatable, Sendable {
    /// Bytes written at the start of the caller's buffer: the whole UDP payload.
    public var length: Int
    /// 0.0.0.0 until a lease is held; the leased address after (renew, rebind, release).
    public var source: IPv4Address
    /// 255.255.255.255 (Ethernet broadcast too), or the server for a unicast RENEWING
    /// REQUEST or a RELEASE.
    public var destination: IPv4Address

    public init(length: Int, source: IPv4Address, destination: IPv4Address) {
        self.length = length
        self.source = source
        self.destination = destination
    }

    public var isBroadcast: Bool { destination == .broadcast }
}
