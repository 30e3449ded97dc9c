import Scheduler
import Wire

/// UDP (RFC 768): bound sockets with bounded receive queues, checksums verified and
/// written, port unreachable for closed ports, broadcast sends for DHCP.
extension NetStack {
    /// Largest payload one datagram carries.
    public static let maximumUDPPayload = 65535 - IPv4Header.minimumLength - UDPHeader.length

    /// Binds a socket to `port` (0: an ephemeral port).
    public mutating func udpBind(port: UInt16) throws(NetError) -> UDPSocket {
        try udp.bind(port: port)
    }

    /// The port a socket is bound to; nil for a closed handle.
    public func udpPort(_ socket: UDPSocket) -> UInt16? { udp.port(socket) }

    /// Closes the socket and discards its unread datagrams.
    public mutating func udpClose(_ socket: UDPSocket) { udp.close(socket) }

    /// Queues one datagram from the socket's port, fragmented if larger than the MTU.
    /// Before an address is configured only broadcasts go out, from 0.0.0.0 (DHCP).
    public mutating func udpSend(
        _ socket: UDPSocket, to destination: IPv4Address, port: UInt16, payload: UnsafeRawBufferPointer, now: Instant
    ) throws(NetError) {
        guard let sourcePort = udp.port(socket) else { throw .invalidSocket }
        guard payload.count <= Self.maximumUDPPayload else { throw .datagramTooLarge }
        let source = configuration.address
        guard configuration.isConfigured || destination == .broadcast else { throw .noRoute }
        let length = UDPHeader.length &+ payload.count
        var header = UInt64(sourcePort) << 48 | UInt64(port) << 32 | UInt64(length) << 16
        let pseudo = InternetChecksum.pseudoHeaderSum(
            source: source, destination: destination, protocol: IPProtocol.udp.rawValue, length: length)
        let sum = InternetChecksum.sum(raw: payload, initial: InternetChecksum.sum(word64: header, initial: pseudo))
        let checksum = InternetChecksum.finish(sum)
        header |= UInt64(checksum == 0 ? 0xFFFF : checksum)
        try sendIPv4(proto: .udp, source: source, destination: destination, header: header, body: payload, now: now)
    }

    /// Copies the oldest datagram waiting on the socket into `buffer` (cut to its size):
    /// who sent it and how many bytes were copied; nil when none is waiting.
    public mutating func udpReceive(
        _ socket: UDPSocket, into buffer: UnsafeMutableRawBufferPointer
    ) -> (source: IPv4Address, sourcePort: UInt16, length: Int)? {
        udp.dequeue(socket, into: buffer)
    }

    mutating func receiveUDP(_ datagram: Datagram, now: Instant) {
        let segment = datagram.payload
        guard let header = try? UDPHeader(segment) else {
            counters.droppedTruncated &+= 1
            return
        }
        let length = Int(header.length)
        guard length >= UDPHeader.length else {
            counters.droppedBadHeader &+= 1
            return
        }
        guard length <= segment.count else {
            counters.droppedTruncated &+= 1
            return
        }
        let bytes = segment.prefix(length)
        if header.checksum != 0 {
            let pseudo = InternetChecksum.pseudoHeaderSum(
                source: datagram.source, destination: datagram.destination, protocol: IPProtocol.udp.rawValue,
                length: length)
            guard InternetChecksum.checksum(bytes, initial: pseudo) == 0 else {
                counters.droppedBadChecksum &+= 1
                return
            }
        }
        counters.udpDatagramsIn &+= 1
        guard let slot = udp.find(port: header.destinationPort) else {
            counters.udpNoSocket &+= 1
            sendUnreachable(code: ICMPCode.portUnreachable, about: datagram, now: now)
            return
        }
        switch udp.enqueue(slot, source: datagram.source, sourcePort: header.sourcePort, payload: bytes.dropFirst(UDPHeader.length)) {
        case .queued(let wasEmpty):
            if wasEmpty { post(.udpReadable(udp.handle(slot))) }
        case .full:
            counters.udpSocketFull &+= 1
        }
    }
}
