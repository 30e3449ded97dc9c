import Scheduler
import Wire

/// An address lease from a DHCPACK, with the times that drive renewal.
///
/// The times count from `obtainedAt`, the instant the client sent the first REQUEST of
/// the exchange (RFC 2131 section 4.4.1), so the lease never outlives the server's view
/// of it. An infinite lease (0xFFFFFFFF seconds) has every time at `UInt64.max`
/// nanoseconds (`isInfinite`): it is never renewed and never expires.
public struct DHCPLease: Equatable, Sendable {
    public static let maximumDNSServers = 3
    /// An infinite lease's times; `Instant + infiniteTime` saturates at the far future.
    static let infiniteTime = Interval(nanoseconds: .max)

    public var address: IPv4Address
    /// From the subnet mask (option 1); the address's classful prefix when absent.
    public var prefixLength: Int
    /// The first router of option 3.
    public var router: IPv4Address?
    /// Up to three servers of option 6, in the server's order.
    public var dnsServers: [IPv4Address]
    /// Option 54: where RENEWING sends its unicast REQUEST and a RELEASE goes.
    public var serverIdentifier: IPv4Address
    /// Option 51.
    public var leaseTime: Interval
    /// T1, option 58 (default half the lease).
    public var renewalTime: Interval
    /// T2, option 59 (default seven eighths of the lease).
    public var rebindingTime: Interval
    public var obtainedAt: Instant

    public init(
        address: IPv4Address, prefixLength: Int, router: IPv4Address?, dnsServers: [IPv4Address],
        serverIdentifier: IPv4Address, leaseTime: Interval, renewalTime: Interval,
        rebindingTime: Interval, obtainedAt: Instant
    ) {
        self.address = address
        self.prefixLength = prefixLength
        self.router = router
        self.dnsServers = dnsServers
        self.serverIdentifier = serverIdentifier
        self.leaseTime = leaseTime
        self.renewalTime = renewalTime
        self.rebindingTime = rebindingTime
        self.obtainedAt = obtainedAt
    }

    /// When RENEWING starts (T1).
    public var renewAt: Instant { obtainedAt + renewalTime }
    /// When REBINDING starts (T2).
    public var rebindAt: Instant { obtainedAt + rebindingTime }
    /// When the address must no longer be used.
    public var expiresAt: Instant { obtainedAt + leaseTime }
    public var isInfinite: Bool { leaseTime == Self.infiniteTime }
    public var subnetMask: IPv4Address { IPv4Address(rawValue: IPv4Address.mask(prefix: prefixLength)) }

    /// The lease an ACK grants, or nil when the ACK cannot be used (no address, no lease
    /// time, or no server identifier here nor from the lease it renews).
    init?(ack reply: DHCPReply, knownServer: IPv4Address?, obtainedAt: Instant) {
        let address = reply.yourAddress
        guard address != .any, address != .broadcast, let seconds = reply.leaseTime,
            let server = reply.serverIdentifier ?? knownServer
        else { return nil }
        let lease = seconds == UInt32.max ? Self.infiniteTime : Interval.seconds(UInt64(seconds))
        var t1 = reply.renewalTime.map { Interval.seconds(UInt64($0)) }
            ?? Interval(nanoseconds: lease.nanoseconds / 2)
        var t2 = reply.rebindingTime.map { Interval.seconds(UInt64($0)) }
            ?? Interval(nanoseconds: lease.nanoseconds / 8 * 7)
        if lease == Self.infiniteTime {
            t1 = Self.infiniteTime
            t2 = Self.infiniteTime
        } else if !(t1 <= t2 && t2 <= lease) {
            // Times out of order are a server mistake: the RFC defaults for both.
            t1 = Interval(nanoseconds: lease.nanoseconds / 2)
            t2 = Interval(nanoseconds: lease.nanoseconds / 8 * 7)
        }
        self.init(
            address: address,
            prefixLength: reply.subnetMask.map { Self.prefixLength(mask: $0) } ?? Self.classfulPrefix(address),
            router: reply.router, dnsServers: reply.dnsServers, serverIdentifier: server,
            leaseTime: lease, renewalTime: t1, rebindingTime: t2, obtainedAt: obtainedAt)
    }

    /// The mask's leading one bits; a non-contiguous mask keeps its leading run.
    static func prefixLength(mask: IPv4Address) -> Int {
        (~mask.rawValue).leadingZeroBitCount
    }

    /// RFC 1122 section 3.3.1.1: without a mask, the network class of the address.
    static func classfulPrefix(_ address: IPv4Address) -> Int {
        switch address.rawValue >> 29 {
        case 0b000...0b011: 8  // class A
        case 0b100, 0b101: 16  // class B
        default: 24  // class C (and anything above, which a server should not lease)
        }
    }
}
