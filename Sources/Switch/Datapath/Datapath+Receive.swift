import OpenFlow
import Scheduler
import Wire

/// Where a packet came from while its actions run.
struct PacketContext {
    var inPort: PortNumber
    /// TABLE is allowed (a PACKET_OUT's actions), once.
    var allowsTable: Bool
    var now: Instant
}

extension Datapath {
    /// A frame received on `inPort`: counted, classified, looked up and acted on. The
    /// frames to send are in `transmissions` afterwards (this call starts a new list).
    ///
    /// The exact-match hit path (lookup, counters, one OUTPUT) allocates nothing.
    public mutating func receive(frame: ArraySlice<UInt8>, inPort: PortNumber, now: Instant) {
        editor.reset()
        ingress(frame, inPort: inPort, now: now)
    }

    mutating func ingress(_ frame: ArraySlice<UInt8>, inPort: PortNumber, now: Instant) {
        guard let index = portIndex(inPort) else {
            counters.unknownPortDrops &+= 1
            return
        }
        countReceived(index, bytes: frame.count)
        let layout = FrameLayout(frame: frame)
        guard portFlags[index].accepts(destination: layout.destination) else {
            portStats[index].rxDropped &+= 1
            return
        }
        if layout.isFragment, config.flags.fragmentHandling == .fragDrop {
            counters.fragmentDrops &+= 1
            return
        }
        editor.begin()
        let context = PacketContext(inPort: inPort, allowsTable: false, now: now)
        if mode == .failStandalone {
            editor.setLayout(layout)
            normal(frame, context)
            return
        }
        classify(frame, layout, context)
    }

    /// Looks the packet up and runs what it hits; a miss follows the forwarding mode.
    mutating func classify(_ frame: ArraySlice<UInt8>, _ layout: borrowing FrameLayout, _ context: PacketContext) {
        let key = FlowKey(layout: layout, inPort: context.inPort)
        table.lookupCount &+= 1
        let slot = table.find(key)
        if slot >= 0 {
            table.matchedCount &+= 1
            let single = table.hit(slot, bytes: frame.count, now: context.now)
            if single != 0 {
                output(to: PortNumber(single), frame, context)
            } else {
                editor.setLayout(copy layout)
                run(table.program(slot), frame, context)
            }
            return
        }
        switch mode {
        case .controller:
            toController(frame, reason: .noMatch, maxLength: config.missSendLength, context)
        case .failSecure:
            if emergency.count > 0 {
                emergency.lookupCount &+= 1
                let slot = emergency.find(key)
                if slot >= 0 {
                    emergency.matchedCount &+= 1
                    _ = emergency.hit(slot, bytes: frame.count, now: context.now)
                    editor.setLayout(copy layout)
                    run(emergency.program(slot), frame, context)
                    return
                }
            }
            counters.missDrops &+= 1
        case .failStandalone, .normalOnMiss:
            editor.setLayout(copy layout)
            normal(frame, context)
        }
    }

    /// A PACKET_IN for the current version of the packet: buffered when a buffer is free
    /// (then only `maxLength` bytes go up), whole otherwise.
    mutating func toController(
        _ frame: ArraySlice<UInt8>, reason: PacketInReason, maxLength: UInt16, _ context: PacketContext
    ) {
        guard mode == .controller else {
            counters.packetInDrops &+= 1
            return
        }
        if let index = portIndex(context.inPort), portFlags[index].noPacketIn {
            counters.packetInDrops &+= 1
            return
        }
        let packet = editor.current(frame)
        var bufferID = BufferID.none
        var sendLength = packet.count
        if let id = buffers.store(packet, inPort: context.inPort, now: context.now) {
            bufferID = id
            sendLength = min(Int(maxLength), packet.count)
        }
        // The message's length field is 16 bits: at most 65535 - 18 bytes of packet.
        sendLength = min(sendLength, OpenFlowMessage.maximumLength - 18)
        if async.appendPacketIn(
            bufferID: bufferID, totalLength: UInt16(clamping: packet.count), inPort: context.inPort,
            reason: reason, data: packet.prefix(sendLength))
        {
            counters.packetIns &+= 1
        } else {
            counters.asyncDrops &+= 1
            counters.packetInDrops &+= 1
        }
    }
}
