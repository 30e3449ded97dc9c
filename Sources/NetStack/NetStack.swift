import Scheduler
import Wire

/// The TCP/IP stack of one Ethernet interface, sans-IO: frames and `now` in
/// (`receive`, `tick`), frames out (`transmit`, called until it returns 0) and events
/// out (`nextEvent`, and `tcp.nextEvent()` for TCP). Every buffer is sized by
/// `NetStackLimits` and allocated at init or when a slot is first used.
public struct NetStack {
    public internal(set) var configuration: NetStackConfiguration
    /// The TCP layer: the application listens, connects, reads and writes through it.
    public var tcp: TCPLayer
    public internal(set) var counters = NetStackCounters()
    /// The largest IPv4 packet the device cuts into MTU-sized TCP segments itself
    /// (`FrameDevice.segmentationOffload`); 0, the default, when it cannot. Above the
    /// MTU, `transmit(into:now:offload:)` writes bulk TCP data in segments of up to this
    /// size (at most 65535), sparing a frame, a checksum and a device write per MSS.
    public var segmentationOffload = 0

    var output: FramePool
    var arp: ARPCache
    var reassembly: Reassembler
    var udp: UDPSocketTable
    var icmpErrors: TokenBucket
    var events: Ring<NetEvent>
    var identification: UInt16
    /// The address being probed or announced, if any.
    var claim: AddressClaim?
    /// SplitMix64 state for the probes' random delay.
    var random: UInt64
    /// The bytes `ping` sends: the pattern 0, 1, 2... made once.
    let pingPattern: [UInt8]

    public init(configuration: NetStackConfiguration, tcpLimits: TCPLimits = TCPLimits(), seed: UInt64) {
        var configuration = configuration
        configuration.mtu = Swift.min(Swift.max(configuration.mtu, 576), 9000)
        self.configuration = configuration
        let limits = configuration.limits
        var tcpLimits = tcpLimits
        tcpLimits.mss = configuration.mtu - 40
        tcp = TCPLayer(limits: tcpLimits, seed: seed)
        output = FramePool(
            slots: limits.outputFrames + limits.pendingFramesTotal,
            slotSize: EthernetHeader.length + configuration.mtu)
        arp = ARPCache(limits: limits)
        reassembly = Reassembler(limits: limits)
        udp = UDPSocketTable(limits: limits)
        icmpErrors = TokenBucket(rate: limits.icmpErrorsPerSecond, burst: limits.icmpErrorBurst)
        events = Ring(capacity: limits.events)
        identification = UInt16(truncatingIfNeeded: seed ^ seed >> 16 ^ seed >> 32 ^ seed >> 48)
        random = seed ^ 0x4152_5050_524F_4245
        pingPattern = (0..<configuration.mtu).map { UInt8(truncatingIfNeeded: $0) }
    }

    public var mac: MACAddress { configuration.mac }
    /// Our IPv4 address; `.any` until configured. While `isProbingAddress` it is the
    /// candidate: connections may start from it, their frames wait until it is taken.
    public var address: IPv4Address { configuration.address }
    public var mtu: Int { configuration.mtu }

    /// The smallest buffer `transmit` needs: a full frame, plus the room TCP asks for
    /// options beyond the MSS; with segmentation offload, a frame of the largest packet.
    public var minimumTransmitBuffer: Int {
        let frame = EthernetHeader.length + IPv4Header.minimumLength + configuration.mtu - 40 + 60
        return segmentationOffload > configuration.mtu ? Swift.max(frame, EthernetHeader.length + Swift.min(segmentationOffload, 65535)) : frame
    }

    /// Sets (or, with `.any`, clears) the address. A new address is probed and then
    /// announced (RFC 5227, see `AddressProbing`); the same address again (a DHCP
    /// renewal) only updates the prefix and gateway.
    public mutating func configure(address: IPv4Address, prefixLength: Int, gateway: IPv4Address?, now: Instant) {
        let same = address == configuration.address
        configuration.address = address
        configuration.prefixLength = Swift.min(Swift.max(prefixLength, 0), 32)
        configuration.gateway = gateway
        if !same || address == .any { claimAddress(now: now) }
    }

    /// The link came up: probe and announce our address if we have one (we may be on
    /// another network now).
    public mutating func start(now: Instant) {
        claimAddress(now: now)
    }

    /// The earliest instant `tick` has work to do.
    public var nextDeadline: Instant? {
        earliest(earliest(earliest(arp.nextDeadline, reassembly.nextDeadline), tcp.nextDeadline), claim?.deadline)
    }

    private func earliest(_ a: Instant?, _ b: Instant?) -> Instant? {
        guard let a else { return b }
        guard let b else { return a }
        return Swift.min(a, b)
    }

    /// Runs the timers due at `now`: address probes and announcements, ARP retries and
    /// give-ups, reassembly timeouts, TCP.
    public mutating func tick(now: Instant) {
        advanceClaim(now: now)
        while let timeout = arp.nextTimeout(now: now) {
            switch timeout {
            case .retry(let address):
                sendARPRequest(for: address)
            case .giveUp(let address, let hadPending):
                if hadPending { counters.arpTimeoutDrops &+= UInt64(output.dropPending(for: address)) }
            }
        }
        expireReassembly(now: now)
        tcp.tick(now: now)
    }

    public mutating func nextEvent() -> NetEvent? { events.pop() }

    mutating func post(_ event: NetEvent) {
        if !events.push(event) { counters.eventsDropped &+= 1 }
    }

    /// The MAC a resolved neighbour has in the ARP cache.
    public func neighbor(_ address: IPv4Address) -> MACAddress? { arp.mac(for: address) }

    /// The next hop toward `destination`: itself when on-link, else the gateway.
    func nextHop(_ destination: IPv4Address) -> IPv4Address? {
        guard configuration.isConfigured else { return nil }
        if configuration.isOnLink(destination) { return destination }
        return configuration.gateway
    }
}
