/// What the stack did with every frame, as plain counts: nothing is dropped without one.
public struct NetStackCounters: Sendable, Equatable {
    public var framesIn: UInt64 = 0
    public var framesOut: UInt64 = 0
    public var bytesIn: UInt64 = 0
    public var bytesOut: UInt64 = 0

    // Dropped on input, by reason.
    /// Unicast to another MAC, or an IPv4 destination that is not ours (we do not route).
    public var droppedNotForUs: UInt64 = 0
    public var droppedMulticast: UInt64 = 0
    public var droppedVLANTagged: UInt64 = 0
    public var droppedUnknownEtherType: UInt64 = 0
    /// Shorter than its headers, or than the length a header declares.
    public var droppedTruncated: UInt64 = 0
    /// A field that cannot be right: IPv4 version or IHL, total length below the header,
    /// an ARP packet not for Ethernet/IPv4, a UDP length below 8.
    public var droppedBadHeader: UInt64 = 0
    public var droppedBadChecksum: UInt64 = 0
    /// A broadcast or multicast IPv4 source.
    public var droppedBadSource: UInt64 = 0

    // ARP.
    public var arpRequestsSent: UInt64 = 0
    /// RFC 5227 probes for an address being claimed.
    public var arpProbesSent: UInt64 = 0
    public var arpRepliesSent: UInt64 = 0
    /// Frames refused because their next hop already had as many pending as allowed.
    public var arpPendingOverflow: UInt64 = 0
    /// Pending frames dropped because their next hop never answered.
    public var arpTimeoutDrops: UInt64 = 0
    /// Another machine on our address: found while probing (the address was given up)
    /// or while using it.
    public var addressConflicts: UInt64 = 0

    // Fragments.
    public var fragmentsIn: UInt64 = 0
    public var datagramsReassembled: UInt64 = 0
    public var reassemblyTimeouts: UInt64 = 0
    /// Datagrams dropped whole because two fragments overlapped (RFC 5722).
    public var reassemblyOverlaps: UInt64 = 0
    /// Fragments that were malformed, past 65535 bytes, beyond the per-datagram count,
    /// or found every slot busy (or their source holding its share of them).
    public var reassemblyDrops: UInt64 = 0
    public var fragmentsOut: UInt64 = 0

    // ICMP.
    public var echoRequestsIn: UInt64 = 0
    public var echoRepliesOut: UInt64 = 0
    public var icmpErrorsSent: UInt64 = 0
    public var icmpRateLimited: UInt64 = 0
    public var protocolUnreachable: UInt64 = 0

    // UDP.
    public var udpDatagramsIn: UInt64 = 0
    /// UDP to a port nobody bound.
    public var udpNoSocket: UInt64 = 0
    /// A datagram for a socket whose receive buffer was full.
    public var udpSocketFull: UInt64 = 0

    // Output.
    /// A frame that found the output queue full.
    public var outputQueueFull: UInt64 = 0
    /// A destination with no route (off-link and no gateway).
    public var droppedNoRoute: UInt64 = 0
    /// A frame larger than the buffer `transmit` was given.
    public var transmitBufferTooSmall: UInt64 = 0
    /// A TCP segment too large for the MTU.
    public var tcpOversize: UInt64 = 0
    /// Large TCP segments handed to the device to cut up (segmentation offload).
    public var segmentsOffloaded: UInt64 = 0
    /// Large segments dropped because their next hop was unresolved: too big to park
    /// for ARP (TCP sends the data again, MSS-sized).
    public var offloadedUnresolved: UInt64 = 0
    public var eventsDropped: UInt64 = 0

    public init() {}
}
