import Scheduler
import Wire

/// The fixed sizes of a stack: every queue and table is allocated once (at init, or when a
/// slot is first used) to these bounds, so traffic never grows memory.
public struct NetStackLimits: Sendable {
    /// ARP cache entries; the oldest resolved entry is evicted when a new address needs one.
    public var arpCacheEntries = 64
    /// Frames parked for one unresolved next hop, and for all of them together.
    public var pendingFramesPerAddress = 8
    public var pendingFramesTotal = 64
    /// Built frames waiting for `transmit` (ARP, ICMP, UDP), beside the pending ones.
    public var outputFrames = 128
    /// How long a resolved ARP entry is trusted; after that a use re-requests it.
    public var arpReachableTime = Interval.seconds(60)
    /// Gap between ARP requests for one address, and how many are sent before giving up.
    public var arpRetryInterval = Interval.seconds(1)
    public var arpRequestTries = 3
    /// Datagrams being reassembled at once; each slot owns a 64 KiB buffer, allocated at
    /// init (16 slots: about 1 MiB).
    public var reassemblySlots = 16
    /// Slots one source address may hold, so one sender cannot take them all.
    public var reassemblySlotsPerSource = 4
    /// Fragments one datagram may arrive in.
    public var fragmentsPerDatagram = 128
    public var reassemblyTimeout = Interval.seconds(30)
    /// Bound UDP sockets, and each socket's receive buffer in bytes and in datagrams.
    public var udpSockets = 16
    public var udpReceiveBytes = 64 * 1024
    public var udpReceiveDatagrams = 32
    /// ICMP errors (unreachables) allowed per second and in a burst; echo replies are free.
    public var icmpErrorsPerSecond = 100
    public var icmpErrorBurst = 50
    /// Events waiting for `nextEvent`.
    public var events = 256

    public init() {}
}

/// One Ethernet interface and its IPv4 settings.
public struct NetStackConfiguration: Sendable {
    public var mac: MACAddress
    /// `.any` until an address is configured (for example before DHCP completes).
    public var address: IPv4Address
    public var prefixLength: Int
    public var gateway: IPv4Address?
    /// The IP MTU: the largest IPv4 datagram in one frame (the frame adds 14 bytes);
    /// the stack keeps it within 576...9000.
    public var mtu: Int
    public var limits: NetStackLimits
    /// How an address is probed and announced when configured or when the link comes up.
    public var probing: AddressProbing

    public init(
        mac: MACAddress, address: IPv4Address = .any, prefixLength: Int = 24, gateway: IPv4Address? = nil,
        mtu: Int = 1500, limits: NetStackLimits = NetStackLimits(), probing: AddressProbing = AddressProbing()
    ) {
        self.mac = mac
        self.address = address
        self.prefixLength = prefixLength
        self.gateway = gateway
        self.mtu = mtu
        self.limits = limits
        self.probing = probing
    }

    var isConfigured: Bool { address != .any }
    var mask: UInt32 { IPv4Address.mask(prefix: prefixLength) }

    /// True for an address on our subnet.
    func isOnLink(_ destination: IPv4Address) -> Bool {
        destination.rawValue & mask == address.rawValue & mask
    }

    /// The limited broadcast, or our subnet's directed broadcast (not for /31 and /32).
    func isBroadcast(_ destination: IPv4Address) -> Bool {
        if destination == .broadcast { return true }
        guard isConfigured, prefixLength < 31 else { return false }
        return isOnLink(destination) && destination.rawValue & ~mask == ~mask
    }
}
