/// One pass over an Ethernet frame: where each header starts and the fields a flow
/// classifier keys on. It never allocates and never fails: a frame too short for a
/// layer simply stops at the layer before it, with that layer's fields left zero.
///
/// Offsets count from the first byte of the frame.
public struct FrameLayout: Equatable, Sendable {
    public var destination = MACAddress.zero
    public var source = MACAddress.zero
    /// The 802.1Q TCI, or nil for an untagged frame.
    public var vlanTCI: UInt16?
    /// The EtherType after any VLAN tag (from the SNAP header of an 802.3 frame), or nil
    /// for an 802.3 frame that carries none; 0x8100 when the frame ends inside its tag.
    public var etherType: EtherType?
    /// Offset of the network header (after Ethernet, VLAN tag and any LLC/SNAP).
    public var networkOffset = 0
    /// IPv4 protocol when the frame is IPv4 with a whole header.
    public var ipProtocol: IPProtocol?
    /// ARP operation when the frame is an Ethernet/IPv4 ARP packet.
    public var arpOperation: UInt16?
    /// IPv4 or ARP source and destination protocol addresses.
    public var networkSource = IPv4Address.any
    public var networkDestination = IPv4Address.any
    /// The IPv4 TOS byte.
    public var tos: UInt8 = 0
    /// True when the IPv4 packet is a fragment (MF set or non-zero offset).
    public var isFragment = false
    /// Offset of the TCP, UDP or ICMP header when it is wholly present and the packet is
    /// not a fragment.
    public var transportOffset: Int?
    /// TCP/UDP ports, or ICMP type and code.
    public var transportSource: UInt16 = 0
    public var transportDestination: UInt16 = 0

    public init() {}

    /// Parses as far as the bytes allow.
    ///
    /// `frame` is borrowed: the caller keeps ownership, so no reference count changes.
    @inlinable
    public init(frame: borrowing ArraySlice<UInt8>) {
        self = frame.withUnsafeBytes { FrameLayout(parsing: $0) }
    }

    /// The parse itself, over the frame's bytes: every load below sits after an explicit
    /// check that its bytes are inside `p`. It reads through a raw pointer and touches no
    /// reference; `releasenone` tells callers in other modules so, which spares them a
    /// retain and release of whatever holds the frame around the call.
    @usableFromInline @_effects(releasenone)
    init(parsing p: UnsafeRawBufferPointer) {
        self.init()
        let count = p.count
        guard count >= EthernetHeader.length else { return }
        destination = p.mac(0)
        source = p.mac(6)
        var type = EtherType(rawValue: p.be16(12))
        var offset = EthernetHeader.length
        if type == .vlan {
            guard count - offset >= VLANTag.length else {
                // A cut tag: the frame stops at its 0x8100, as OpenFlow 1.0 switches see it.
                etherType = type
                networkOffset = offset
                return
            }
            vlanTCI = p.be16(offset)
            type = EtherType(rawValue: p.be16(offset + 2))
            offset += VLANTag.length
        }
        if type.isLength {
            // 802.3: only LLC/SNAP (AA AA 03) with a zero OUI carries an EtherType.
            guard count - offset >= 8, p.be32(offset) == 0xAAAA_0300, p.be16(offset + 4) == 0 else {
                networkOffset = offset
                return
            }
            type = EtherType(rawValue: p.be16(offset + 6))
            offset += 8
        }
        etherType = type
        networkOffset = offset
        if type == .ipv4 {
            parseIPv4(p, at: offset)
        } else if type == .arp, count - offset >= ARPPacket.length,
            p.be16(offset) == 1, p.be16(offset + 2) == EtherType.ipv4.rawValue,
            p.be16(offset + 4) == 0x0604  // hardware length 6, protocol length 4
        {
            arpOperation = p.be16(offset + 6)
            networkSource = IPv4Address(rawValue: p.be32(offset + 14))
            networkDestination = IPv4Address(rawValue: p.be32(offset + 24))
        }
    }

    private mutating func parseIPv4(_ p: UnsafeRawBufferPointer, at offset: Int) {
        guard let headerLength = IPv4Header.wholeLength(in: p, at: offset) else { return }
        let available = p.count - offset
        let proto = IPProtocol(rawValue: p[offset + 9])
        ipProtocol = proto
        tos = p[offset + 1]
        networkSource = IPv4Address(rawValue: p.be32(offset + 12))
        networkDestination = IPv4Address(rawValue: p.be32(offset + 16))
        isFragment = p.be16(offset + 6) & 0x3FFF != 0
        guard !isFragment else { return }
        let l4Offset = offset + headerLength
        let l4Available = available - headerLength
        switch proto {
        case .tcp:
            guard l4Available >= TCPHeader.minimumLength else { return }
            transportSource = p.be16(l4Offset)
            transportDestination = p.be16(l4Offset + 2)
        case .udp:
            guard l4Available >= UDPHeader.length else { return }
            transportSource = p.be16(l4Offset)
            transportDestination = p.be16(l4Offset + 2)
        case .icmp:
            // Type, code and checksum, as the OpenFlow 1.0 reference switch requires.
            guard l4Available >= 4 else { return }
            transportSource = UInt16(p[l4Offset])
            transportDestination = UInt16(p[l4Offset + 1])
        default:
            return
        }
        transportOffset = l4Offset
    }
}
