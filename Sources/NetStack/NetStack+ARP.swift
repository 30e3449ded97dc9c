import Scheduler
import Wire

/// ARP on the wire (RFC 826): answering for our address, learning neighbours, requests,
/// probes and gratuitous announcements, and noticing another machine using our address
/// (RFC 5227).
extension NetStack {
    /// Handles an ARP packet (the Ethernet payload).
    mutating func receiveARP(_ bytes: ArraySlice<UInt8>, now: Instant) {
        guard let packet = try? ARPPacket(bytes) else {
            counters.droppedTruncated &+= 1
            return
        }
        let operation = packet.operation
        guard packet.isEthernetIPv4, operation == ARPPacket.request || operation == ARPPacket.reply else {
            counters.droppedBadHeader &+= 1
            return
        }
        let senderIP = packet.senderIP
        let senderMAC = packet.senderMAC
        // A sender with a group MAC or our own MAC is not a neighbour we could reach.
        guard !senderMAC.isMulticast, senderMAC != configuration.mac, senderMAC != .zero else {
            counters.droppedBadSource &+= 1
            return
        }
        let ours = configuration.address
        if probeConflict(operation: operation, senderIP: senderIP, senderMAC: senderMAC, targetIP: packet.targetIP) { return }
        if addressInUse, senderIP == ours {
            counters.addressConflicts &+= 1
            post(.addressConflict(ours, senderMAC))
            return
        }
        let forUs = addressInUse && packet.targetIP == ours
        if senderIP != .any, !configuration.isBroadcast(senderIP) {
            let learned = arp.learn(senderIP, mac: senderMAC, create: forUs, now: now)
            if let evicted = learned.evicted {
                counters.arpTimeoutDrops &+= UInt64(output.dropPending(for: evicted))
            }
            if learned.resolved { output.resolve(senderIP, mac: senderMAC) }
        }
        if forUs, operation == ARPPacket.request {
            queueARP(
                operation: ARPPacket.reply, ethernetDestination: senderMAC, targetMAC: senderMAC, targetIP: senderIP)
            counters.arpRepliesSent &+= 1
        }
    }

    /// Broadcasts a request for `address` (not while probing: it would reveal ours).
    mutating func sendARPRequest(for address: IPv4Address) {
        guard addressInUse else { return }
        queueARP(operation: ARPPacket.request, ethernetDestination: .broadcast, targetMAC: .zero, targetIP: address)
        counters.arpRequestsSent &+= 1
    }

    /// A gratuitous ARP announcement of our address (RFC 5227 section 2.3).
    mutating func announce() {
        guard addressInUse else { return }
        queueARP(
            operation: ARPPacket.request, ethernetDestination: .broadcast, targetMAC: .zero,
            targetIP: configuration.address)
        counters.arpRequestsSent &+= 1
    }

    /// An ARP probe for the address being claimed (RFC 5227 section 2.1.1): a request
    /// from sender address 0.0.0.0, so no one's cache learns the address from it.
    mutating func probe() {
        guard configuration.isConfigured else { return }
        queueARP(
            operation: ARPPacket.request, ethernetDestination: .broadcast, targetMAC: .zero,
            targetIP: configuration.address, senderIP: .any)
        counters.arpProbesSent &+= 1
    }

    private mutating func queueARP(
        operation: UInt16, ethernetDestination: MACAddress, targetMAC: MACAddress, targetIP: IPv4Address,
        senderIP: IPv4Address? = nil
    ) {
        guard let slot = output.reserve() else {
            counters.outputQueueFull &+= 1
            return
        }
        let ourMAC = configuration.mac
        let ourIP = senderIP ?? configuration.address
        output.write(slot) { frame in
            Self.writeEthernet(frame, destination: ethernetDestination, source: ourMAC, type: .arp)
            var writer = ByteWriter(frame, offset: EthernetHeader.length)
            writer.uncheckedU16(1)
            writer.uncheckedU16(EtherType.ipv4.rawValue)
            writer.uncheckedU8(6)
            writer.uncheckedU8(4)
            writer.uncheckedU16(operation)
            writer.uncheckedMAC(ourMAC)
            writer.uncheckedIPv4(ourIP)
            writer.uncheckedMAC(targetMAC)
            writer.uncheckedIPv4(targetIP)
        }
        commit(slot, length: EthernetHeader.length &+ ARPPacket.length, to: .mac(ethernetDestination))
    }
}
