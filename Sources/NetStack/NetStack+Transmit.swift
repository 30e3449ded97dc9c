import Scheduler
import Wire

extension NetStack {
    /// Writes the next whole Ethernet frame into `buffer` and returns its length; 0 when
    /// nothing is waiting. Frames already built (ARP, ICMP, UDP, resolved pending ones)
    /// go first, then TCP's segments, written straight into `buffer` after the room for
    /// the Ethernet and IPv4 headers. `buffer` should hold `minimumTransmitBuffer` bytes.
    public mutating func transmit(into buffer: UnsafeMutableRawBufferPointer, now: Instant) -> Int {
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
            guard let length = transmitTCP(into: buffer, now: now) else { return 0 }
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
    /// out now (parked for ARP, or dropped and counted), nil when TCP has nothing.
    private mutating func transmitTCP(into buffer: UnsafeMutableRawBufferPointer, now: Instant) -> Int? {
        let room = buffer.count &- Self.transportOffset
        guard room >= TCPHeader.minimumLength else { return nil }
        let segmentBuffer = UnsafeMutableRawBufferPointer(rebasing: buffer[Self.transportOffset...])
        guard let segment = tcp.nextSegment(now: now, into: segmentBuffer) else { return nil }
        guard segment.length >= 0, segment.length <= Swift.min(room, configuration.mtu &- IPv4Header.minimumLength) else {
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
