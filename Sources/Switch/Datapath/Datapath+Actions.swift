import OpenFlow
import Scheduler
import Wire

extension Datapath {
    /// Runs a program's steps in order on the working copy of the packet; each output
    /// sends the packet as modified so far.
    mutating func run(_ program: ActionProgram, _ frame: ArraySlice<UInt8>, _ context: PacketContext) {
        for step in program.steps {
            switch step {
            case .output(let port, let maxLength): output(to: port, maxLength: maxLength, frame, context)
            case .enqueue(let port, let queueID): enqueue(port, queueID, frame, context)
            case .setVLANVID(let vid): editor.setVLANVID(vid, frame)
            case .setVLANPCP(let pcp): editor.setVLANPCP(pcp, frame)
            case .stripVLAN: editor.stripVLAN(frame)
            case .setDLSrc(let mac): editor.setDLSource(mac, frame)
            case .setDLDst(let mac): editor.setDLDestination(mac, frame)
            case .setNWSrc(let ip): editor.setNWAddress(ip, source: true, frame)
            case .setNWDst(let ip): editor.setNWAddress(ip, source: false, frame)
            case .setNWTOS(let tos): editor.setNWTOS(tos, frame)
            case .setTPSrc(let port): editor.setTransportPort(port, source: true, frame)
            case .setTPDst(let port): editor.setTransportPort(port, source: false, frame)
            }
        }
    }

    /// OFPAT_OUTPUT.
    @inline(__always)
    mutating func output(to port: PortNumber, maxLength: UInt16 = 0, _ frame: ArraySlice<UInt8>, _ context: PacketContext) {
        if port.isPhysicalPort {
            // The spec: a packet goes back out of its in_port only through OFPP_IN_PORT.
            guard port != context.inPort else {
                counters.inPortDrops &+= 1
                return
            }
            transmit(to: port, frame)
            return
        }
        switch port {
        case .inPort: transmit(to: context.inPort, frame)
        case .local: transmit(to: .local, frame)
        case .flood: flood(frame, context, honouringNoFlood: true)
        case .all: flood(frame, context, honouringNoFlood: false)
        case .controller: toController(frame, reason: .action, maxLength: maxLength, context)
        case .normal: normal(frame, context)
        case .table: resubmit(frame, context)
        default: break  // OFPP_NONE and non-ports: refused when the actions were validated
        }
    }

    /// Sends the current version out of `port` if it can transmit; else counts a drop.
    @inline(__always)
    mutating func transmit(to port: PortNumber, queue: Int? = nil, _ frame: ArraySlice<UInt8>) {
        guard let index = portIndex(port) else { return }
        guard portFlags[index].canTransmit else {
            portStats[index].txDropped &+= 1
            return
        }
        let length = editor.currentLength(frame)
        countSent(index, bytes: length)
        if let queue {
            records[index].queues[queue].txPackets &+= 1
            records[index].queues[queue].txBytes &+= UInt64(length)
            editor.emit(to: port, queueID: records[index].queues[queue].queueID, frame)
        } else {
            editor.emit(to: port, frame)
        }
    }

    /// FLOOD: every physical port but the in_port, skipping NO_FLOOD and ports that
    /// cannot send (down, link down, NO_FWD). ALL: the same without the NO_FLOOD rule.
    /// LOCAL is not a physical port and is in neither, as in the reference switch.
    mutating func flood(_ frame: ArraySlice<UInt8>, _ context: PacketContext, honouringNoFlood: Bool) {
        for index in portFlags.indices {
            let flags = portFlags[index]
            let number = PortNumber(flags.number)
            guard number != context.inPort, number.isPhysicalPort else { continue }
            if honouringNoFlood && flags.noFlood { continue }
            transmit(to: number, frame)
        }
    }

    /// OFPAT_ENQUEUE: the port's queue; a packet whose port lacks the queue is dropped
    /// and counted as a transmit error.
    mutating func enqueue(_ port: PortNumber, _ queueID: UInt32, _ frame: ArraySlice<UInt8>, _ context: PacketContext) {
        let target = port == .inPort ? context.inPort : port
        if port != .inPort && target == context.inPort {
            counters.inPortDrops &+= 1
            return
        }
        guard let index = portIndex(target) else { return }
        guard let queue = records[index].queueIndex(queueID) else {
            portStats[index].txErrors &+= 1
            return
        }
        transmit(to: target, queue: queue, frame)
    }

    /// OFPP_NORMAL: an Ethernet learning switch. The source is learned on the in_port
    /// (never a multicast source); a known unicast destination goes out of its port
    /// (dropped if that is the in_port); unknown, broadcast and multicast destinations
    /// are flooded as FLOOD floods. VLANs are kept apart: the table keys on (VID, MAC).
    mutating func normal(_ frame: ArraySlice<UInt8>, _ context: PacketContext) {
        let layout = editor.layout
        guard layout.networkOffset >= EthernetHeader.length else { return }
        let vlan = layout.vlanTCI.map { $0 & 0x0FFF }
        if !layout.source.isMulticast, context.inPort.isPhysical || context.inPort == .local {
            macTable.learn(layout.source, vlan: vlan, port: context.inPort, now: context.now)
        }
        if !layout.destination.isMulticast, let port = macTable.port(of: layout.destination, vlan: vlan, now: context.now) {
            if port != context.inPort { transmit(to: port, frame) }
            return
        }
        flood(frame, context, honouringNoFlood: true)
    }

    /// OFPP_TABLE in a PACKET_OUT: the packet, as modified so far, goes through the flow
    /// table as if received on the PACKET_OUT's in_port.
    mutating func resubmit(_ frame: ArraySlice<UInt8>, _ context: PacketContext) {
        guard context.allowsTable else { return }
        var inner = context
        inner.allowsTable = false
        let packet = editor.current(frame)
        let layout = FrameLayout(frame: packet)
        if layout.isFragment, config.flags.fragmentHandling == .fragDrop {
            counters.fragmentDrops &+= 1
            return
        }
        // The flow it hits starts from this version, copied out of the arena (which the
        // nested actions may grow); the outer actions then resume where they were.
        let resume = editor.position
        let copy = Array(packet)
        editor.begin()
        classify(copy[...], layout, inner)
        editor.position = resume
    }
}
