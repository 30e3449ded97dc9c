import Scheduler
import Wire

extension NetStack {
    /// Writes the next whole Ethernet frame into `buffer` and returns its length; 0 when
    /// nothing is waiting. Frames already built (ARP, ICMP, UDP, resolved pending ones)
    /// go first, then TCP's segments, written straight into `buffer` after the room for
    /// the Ethernet and IPv4 headers. `buffer` should hold `minimumTransmitBuffer` bytes.
    /// Every frame is complete: this ignores `segmentationOffload`.
    public mutating func transmit(into buffer: UnsafeMutableRawBufferPointer, now: Instant) -> Int {
        var offload = FrameOffload()
        return transmit(into: buffer, now: now, largestPacket: 0, offload: &offload)
    }

    /// `transmit` for a device that segments (`segmentationOffload`): a TCP frame may be
    /// one large segment, and `offload` then says what the device must do with it.
    public mutating func transmit(into buffer: UnsafeMutableRawBufferPointer, now: Instant, offload: inout FrameOffload) -> Int {
        transmit(into: buffer, now: now, largestPacket: segmentationOffload, offload: &offload)
    }

    private mutating func transmit(
        into buffer: UnsafeMutableRawBufferPointer, now: Instant, largestPacket: Int, offload: inout FrameOffload
    ) -> Int {
        offload = FrameOffload()
        guard buffer.count >= Self.minimumFrame else { return 0 }
        while true {
            switch output.popReady(into: buffer) {
            case .frame(let length):
                return sent(length)
            case .tooLarge:
                counters.transmitBufferTooSmall &+= 1
                continue
            case .empty:
                break
            }
            guard let length = transmitTCP(into: buffer, now: now, largestPacket: largestPacket, offload: &offload) else { return 0 }
            // 0: the segment was parked for ARP or dropped; the request may be ready now.
            if length > 0 { return sent(length) }
        }
    }

    private mutating func sent(_ length: Int) -> Int {
        counters.framesOut &+= 1
        counters.bytesOut &+= UInt64(length)
        return length
    }

    /// Pulls one TCP segment and frames it in place: its length, 0 when it could not go
    /// out now (parked for ARP, or dropped and counted), nil when TCP has nothing. With
    /// `largestPacket` above the MTU a segment may be that large, described in `offload`.
    private mutating func transmitTCP(
        into buffer: UnsafeMutableRawBufferPointer, now: Instant, largestPacket: Int, offload: inout FrameOffload
    ) -> Int? {
        let room = buffer.count &- Self.transportOffset
        guard room >= TCPHeader.minimumLength else { return nil }
        let segmentBuffer = UnsafeMutableRawBufferPointer(rebasing: buffer[Self.transportOffset...])
        let largestSegment = largestPacket > configuration.mtu ? Swift.min(largestPacket, 65535) &- IPv4Header.minimumLength : 0
        guard let segment = tcp.nextSegment(now: now, into: segmentBuffer, largestSegment: largestSegment) else { return nil }
        let largest = segment.segmentSize > 0 ? largestSegment : configuration.mtu &- IPv4Header.minimumLength
        guard segment.length >= 0, segment.length <= Swift.min(room, largest) else {
            counters.tcpOversize &+= 1
            return 0
        }
        guard !configuration.isBroadcast(segment.destination), let link = linkDestination(for: segment.destination, now: now) else {
            counters.droppedNoRoute &+= 1
            return 0
        }
        var frameLength = Self.transportOffset &+ segment.length
        let mac: MACAddress
        if case .mac(let m) = link { mac = m } else { mac = .zero }
        Self.writeEthernet(buffer, destination: mac, source: configuration.mac)
        Self.writeIPv4(
            buffer, totalLength: IPv4Header.minimumLength &+ segment.length, identification: nextIdentification(),
            flags: segment.dontFragment ? 0x4000 : 0, proto: .tcp, source: segment.source, destination: segment.destination)
        if frameLength < Self.minimumFrame, buffer.count >= Self.minimumFrame {
            for i in frameLength..<Self.minimumFrame { buffer[i] = 0 }
            frameLength = Self.minimumFrame
        }
        if segment.segmentSize > 0 {
            guard case .mac = link else {
                counters.offloadedUnresolved &+= 1
                return 0
            }
            counters.segmentsOffloaded &+= 1
            offload = FrameOffload(
                segmentSize: UInt16(truncatingIfNeeded: segment.segmentSize),
                headerLength: UInt16(truncatingIfNeeded: Self.transportOffset &+ segment.headerLength),
                checksumStart: UInt16(Self.transportOffset), checksumOffset: UInt16(TCPHeader.Offset.checksum))
        }
        if case .mac = link { return frameLength }
        // Park a copy until ARP answers.
        guard let slot = output.reserve() else {
            counters.outputQueueFull &+= 1
            return 0
        }
        output.write(slot) { bytes in
            bytes.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[0..<frameLength]))
        }
        commit(slot, length: frameLength, to: link)
        return 0
    }
}
