import Wire

/// Finds the TCP segment in a captured frame, whatever the capture's link layer. Frames
/// that are not IPv4/TCP are classified rather than dropped silently, so a tool can
/// report how much it could not look into.
public enum PacketDemux {
    public enum Outcome: Sendable {
        case tcp(TCPSegment)
        /// Not IPv4, or IPv4 but not TCP.
        case other
        /// An IPv4 fragment: its TCP header is absent or incomplete, so it is skipped.
        case fragment
        /// A header that is cut short or internally inconsistent.
        case malformed
    }

    public static func decode(_ frame: ArraySlice<UInt8>, linkType: LinkType) -> Outcome {
        switch network(frame, linkType: linkType) {
        case .ipv4(let packet): return tcp(inIPv4: packet)
        case .other: return .other
        case .malformed: return .malformed
        }
    }

    private enum Network {
        case ipv4(ArraySlice<UInt8>)
        case other
        case malformed
    }

    /// Strips the link-layer header.
    private static func network(_ frame: ArraySlice<UInt8>, linkType: LinkType) -> Network {
        let start = frame.startIndex
        switch linkType {
        case .ethernet:
            guard let ethernet = try? EthernetHeader(frame) else { return .malformed }
            return afterEtherType(ethernet.etherType, ethernet.payload)
        case .linuxSLL:
            guard frame.count >= 16 else { return .malformed }
            return afterEtherType(etherType(frame, at: start + 14), frame[(start + 16)...])
        case .linuxSLL2:
            guard frame.count >= 20 else { return .malformed }
            return afterEtherType(etherType(frame, at: start), frame[(start + 20)...])
        case .raw, .ipv4:
            guard let first = frame.first else { return .malformed }
            return first >> 4 == 4 ? .ipv4(frame) : .other
        case .null, .loop:
            // AF_INET is 2 on every system; the family is in the capturing host's byte order.
            guard frame.count >= 4 else { return .malformed }
            var family: UInt32 = 0
            for byte in frame.prefix(4) { family = family << 8 | UInt32(byte) }
            return family == 2 || family == 0x0200_0000 ? .ipv4(frame.dropFirst(4)) : .other
        default:
            return .other
        }
    }

    /// Skips any 802.1Q / 802.1ad tags, then keeps IPv4.
    private static func afterEtherType(_ type: EtherType, _ payload: ArraySlice<UInt8>) -> Network {
        var type = type
        var payload = payload
        while type == .vlan || type.rawValue == 0x88A8 {
            guard let tag = try? VLANTag(payload) else { return .malformed }
            type = tag.innerEtherType
            payload = tag.payload
        }
        return type == .ipv4 ? .ipv4(payload) : .other
    }

    private static func etherType(_ bytes: ArraySlice<UInt8>, at index: Int) -> EtherType {
        EtherType(rawValue: UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]))
    }

    private static func tcp(inIPv4 packet: ArraySlice<UInt8>) -> Outcome {
        guard let ip = try? IPv4Header(packet) else { return .malformed }
        guard ip.proto == .tcp else { return .other }
        guard !ip.isFragment else { return .fragment }
        let total = Int(ip.totalLength)
        // A total length of 0 is what TCP segmentation offload leaves in host captures:
        // the packet is as long as what was captured.
        guard total == 0 || total >= ip.headerLength else { return .malformed }
        let wireEnd = total == 0 ? packet.count : total
        let transport = packet[(packet.startIndex + ip.headerLength)..<(packet.startIndex + min(wireEnd, packet.count))]
        guard let tcp = try? TCPHeader(transport) else { return .malformed }
        let key = FlowKey(
            source: ip.source, sourcePort: tcp.sourcePort,
            destination: ip.destination, destinationPort: tcp.destinationPort)
        return .tcp(TCPSegment(
            key: key, sequence: tcp.sequenceNumber, flags: tcp.flags, payload: tcp.payload,
            missingLength: max(0, wireEnd - packet.count)))
    }
}
