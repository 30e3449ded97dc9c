import Scheduler
import Wire

/// A whole IPv4 datagram addressed to us (reassembled if it came in fragments).
struct Datagram {
    /// Header and payload, contiguous, cut to the total length.
    var packet: ArraySlice<UInt8>
    var headerLength: Int
    var source: IPv4Address
    var destination: IPv4Address
    var proto: IPProtocol
    /// Sent to a broadcast address: never answered with an ICMP error.
    var isBroadcast: Bool

    var payload: ArraySlice<UInt8> { packet.dropFirst(headerLength) }
}

/// Frames in: Ethernet filtering, IPv4 validation and reassembly, then the protocols.
extension NetStack {
    /// Takes one received Ethernet frame (no FCS). Anything wrong with it is counted and
    /// the frame dropped.
    public mutating func receive(frame: ArraySlice<UInt8>, now: Instant) {
        counters.framesIn &+= 1
        counters.bytesIn &+= UInt64(frame.count)
        guard let ethernet = try? EthernetHeader(frame) else {
            counters.droppedTruncated &+= 1
            return
        }
        let destination = ethernet.destination
        if destination != configuration.mac && !destination.isBroadcast {
            if destination.isMulticast {
                counters.droppedMulticast &+= 1
            } else {
                counters.droppedNotForUs &+= 1
            }
            return
        }
        switch ethernet.etherType {
        case .arp:
            receiveARP(ethernet.payload, now: now)
        case .ipv4:
            receiveIPv4(ethernet.payload, linkBroadcast: destination.isBroadcast, now: now)
        case .vlan:
            counters.droppedVLANTagged &+= 1
        default:
            counters.droppedUnknownEtherType &+= 1
        }
    }

    private mutating func receiveIPv4(_ bytes: ArraySlice<UInt8>, linkBroadcast: Bool, now: Instant) {
        let header: IPv4Header
        do throws(WireError) {
            header = try IPv4Header(bytes)
        } catch {
            if error == .truncated { counters.droppedTruncated &+= 1 } else { counters.droppedBadHeader &+= 1 }
            return
        }
        let total = Int(header.totalLength)
        guard total >= header.headerLength else {
            counters.droppedBadHeader &+= 1
            return
        }
        guard total <= bytes.count else {
            counters.droppedTruncated &+= 1
            return
        }
        guard header.checksumIsValid else {
            counters.droppedBadChecksum &+= 1
            return
        }
        let source = header.source
        guard source != .broadcast, source.rawValue >> 28 != 0xE, !configuration.isBroadcast(source) else {
            counters.droppedBadSource &+= 1
            return
        }
        let destination = header.destination
        let isBroadcast = configuration.isBroadcast(destination)
        let isOurs = addressInUse && destination == configuration.address
        // Before an address is configured, UDP unicast to our MAC is taken whatever its IP
        // destination: a DHCP server may send its offer to the address it offers.
        let isUnconfiguredUDP = !configuration.isConfigured && !linkBroadcast && header.proto == .udp
        guard isOurs || isBroadcast || isUnconfiguredUDP else {
            counters.droppedNotForUs &+= 1
            return
        }
        let packet = bytes.prefix(total)
        guard header.isFragment else {
            deliver(
                Datagram(
                    packet: packet, headerLength: header.headerLength, source: source, destination: destination,
                    proto: header.proto, isBroadcast: isBroadcast),
                now: now)
            return
        }
        counters.fragmentsIn &+= 1
        switch reassembly.add(header, packet: packet, now: now) {
        case .incomplete, .duplicate:
            return
        case .overlap:
            counters.reassemblyOverlaps &+= 1
        case .dropped:
            counters.reassemblyDrops &+= 1
        case .complete(let slot):
            counters.datagramsReassembled &+= 1
            let whole = reassembly.packet(slot)
            let wholeHeaderLength = Int(whole[whole.startIndex] & 0x0F) &* 4
            deliver(
                Datagram(
                    packet: whole, headerLength: wholeHeaderLength, source: source, destination: destination,
                    proto: header.proto, isBroadcast: isBroadcast),
                now: now)
            reassembly.release(slot)
        }
    }

    private mutating func deliver(_ datagram: Datagram, now: Instant) {
        switch datagram.proto {
        case .icmp:
            receiveICMP(datagram, now: now)
        case .udp:
            receiveUDP(datagram, now: now)
        case .tcp:
            guard !datagram.isBroadcast else {
                counters.droppedNotForUs &+= 1
                return
            }
            tcp.receive(source: datagram.source, destination: datagram.destination, segment: datagram.payload, now: now)
        default:
            counters.protocolUnreachable &+= 1
            sendUnreachable(code: ICMPCode.protocolUnreachable, about: datagram, now: now)
        }
    }
}
