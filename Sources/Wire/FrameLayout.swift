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
    public init(frame: ArraySlice<UInt8>) {
        guard let ethernet = try? EthernetHeader(frame) else { return }
        destination = ethernet.destination
        source = ethernet.source
        var type = ethernet.etherType
        var offset = EthernetHeader.length
        if type == .vlan {
            guard let tag = try? VLANTag(frame[(frame.startIndex + offset)...]) else {
                // A cut tag: the frame stops at its 0x8100, as OpenFlow 1.0 switches see it.
                etherType = type
                networkOffset = offset
                return
            }
            vlanTCI = tag.tci
            type = tag.innerEtherType
            offset += VLANTag.length
        }
        if type.isLength {
            // 802.3: only LLC/SNAP with a zero OUI carries an EtherType.
            let llc = frame[(frame.startIndex + offset)...]
            guard llc.count >= 8, llc[llc.startIndex] == 0xAA, llc[llc.startIndex + 1] == 0xAA,
                llc[llc.startIndex + 2] == 0x03, llc[llc.startIndex + 3] == 0,
                llc[llc.startIndex + 4] == 0, llc[llc.startIndex + 5] == 0
            else {
                networkOffset = offset
                return
            }
            type = EtherType(rawValue: be16(llc, 6))
            offset += 8
        }
        etherType = type
        networkOffset = offset
        let network = frame[(frame.startIndex + offset)...]
        if type == .ipv4 {
            parseIPv4(network, at: offset)
        } else if type == .arp, let arp = try? ARPPacket(network), arp.isEthernetIPv4 {
            arpOperation = arp.operation
            networkSource = arp.senderIP
            networkDestination = arp.targetIP
        }
    }

    private mutating func parseIPv4(_ bytes: ArraySlice<UInt8>, at offset: Int) {
        guard let ip = try? IPv4Header(bytes) else { return }
        ipProtocol = ip.proto
        networkSource = ip.source
        networkDestination = ip.destination
        tos = ip.tos
        isFragment = ip.isFragment
        guard !isFragment else { return }
        let l4Offset = offset + ip.headerLength
        let l4 = bytes[(bytes.startIndex + ip.headerLength)...]
        switch ip.proto {
        case .tcp:
            guard l4.count >= TCPHeader.minimumLength else { return }
            transportSource = be16(l4, 0)
            transportDestination = be16(l4, 2)
        case .udp:
            guard let udp = try? UDPHeader(l4) else { return }
            transportSource = udp.sourcePort
            transportDestination = udp.destinationPort
        case .icmp:
            // Type, code and checksum, as the OpenFlow 1.0 reference switch requires.
            guard l4.count >= 4 else { return }
            transportSource = UInt16(l4[l4.startIndex])
            transportDestination = UInt16(l4[l4.startIndex + 1])
        default:
            return
        }
        transportOffset = l4Offset
    }
}
