import Scheduler
import Wire

/// ICMP types and codes the stack sends or acts on (RFC 792).
enum ICMPCode {
    static let echoReply: UInt8 = 0
    static let destinationUnreachable: UInt8 = 3
    static let echoRequest: UInt8 = 8
    static let timeExceeded: UInt8 = 11
    /// Time exceeded, code 1: fragment reassembly time exceeded.
    static let reassemblyTimeExceeded: UInt8 = 1
    static let netUnreachable: UInt8 = 0
    static let hostUnreachable: UInt8 = 1
    static let protocolUnreachable: UInt8 = 2
    static let portUnreachable: UInt8 = 3
    static let fragmentationNeeded: UInt8 = 4
}

/// ICMP: echo replies (never rate-limited), errors (unreachables and reassembly time
/// exceeded, through the token bucket), the application's pings, and unreachables about
/// our TCP segments passed to TCP.
extension NetStack {
    /// An ICMP error quotes at most this much of the datagram, so it fits in 576 bytes (RFC 1812 4.3.2.3).
    static let maximumQuote = 576 - 28

    mutating func receiveICMP(_ datagram: Datagram, now: Instant) {
        let message = datagram.payload
        guard let icmp = try? ICMPHeader(message) else {
            counters.droppedTruncated &+= 1
            return
        }
        guard InternetChecksum.checksum(message) == 0 else {
            counters.droppedBadChecksum &+= 1
            return
        }
        switch icmp.type {
        case ICMPCode.echoRequest where icmp.code == 0:
            counters.echoRequestsIn &+= 1
            // No replies to broadcast pings (RFC 1122 3.2.2.6 allows silence).
            guard !datagram.isBroadcast, configuration.isConfigured else { return }
            replyToEcho(icmp, to: datagram.source, now: now)
        case ICMPCode.echoReply where icmp.code == 0:
            post(.echoReply(from: datagram.source, identifier: icmp.identifier, sequence: icmp.sequence, length: icmp.payload.count))
        case ICMPCode.destinationUnreachable:
            receiveUnreachable(icmp)
        default:
            return
        }
    }

    private mutating func replyToEcho(_ request: ICMPHeader, to source: IPv4Address, now: Instant) {
        let rest = UInt64(request.identifier) << 16 | UInt64(request.sequence)
        let body = request.payload
        let sum = InternetChecksum.sum(body, initial: InternetChecksum.sum(word64: rest))
        let header = UInt64(ICMPCode.echoReply) << 56 | UInt64(InternetChecksum.finish(sum)) << 32 | rest
        let ours = configuration.address
        do throws(NetError) {
            try sendIPv4(proto: .icmp, source: ours, destination: source, header: header, body: body, now: now)
            counters.echoRepliesOut &+= 1
        } catch {
            counters.outputQueueFull &+= 1
        }
    }

    /// A destination unreachable about one of our TCP segments goes to TCP, with the
    /// quoted ports and sequence number (the 8 bytes RFC 792 guarantees); for
    /// fragmentation needed, with the next-hop MTU (RFC 1191: the low 16 bits of the
    /// header's second word).
    private mutating func receiveUnreachable(_ icmp: ICMPHeader) {
        guard icmp.code <= ICMPCode.fragmentationNeeded, let quoted = try? IPv4Header(icmp.payload) else { return }
        guard quoted.proto == .tcp, quoted.source == configuration.address else { return }
        let segment = icmp.payload.dropFirst(quoted.headerLength)
        guard segment.count >= 8 else { return }
        let start = segment.startIndex
        let sourcePort = UInt16(segment[start]) << 8 | UInt16(segment[start + 1])
        let destinationPort = UInt16(segment[start + 2]) << 8 | UInt16(segment[start + 3])
        var sequence: UInt32 = 0
        for i in 4..<8 { sequence = sequence << 8 | UInt32(segment[start + i]) }
        if icmp.code == ICMPCode.fragmentationNeeded {
            tcp.fragmentationNeeded(
                source: quoted.source, destination: quoted.destination, sourcePort: sourcePort,
                destinationPort: destinationPort, sequence: sequence, mtu: Int(icmp.sequence))
        } else {
            tcp.unreachable(
                source: quoted.source, destination: quoted.destination, sourcePort: sourcePort,
                destinationPort: destinationPort, sequence: sequence, hard: icmp.code >= ICMPCode.protocolUnreachable)
        }
    }

    /// Sends destination unreachable (`code`) quoting `datagram`, unless it was broadcast,
    /// its source cannot be answered, or the token bucket is empty.
    mutating func sendUnreachable(code: UInt8, about datagram: Datagram, now: Instant) {
        sendError(type: ICMPCode.destinationUnreachable, code: code, about: datagram, now: now)
    }

    /// Sends an ICMP error quoting `datagram` (as much as fits in 576 bytes), within the
    /// same limits as `sendUnreachable`.
    mutating func sendError(type: UInt8, code: UInt8, about datagram: Datagram, now: Instant) {
        guard !datagram.isBroadcast, configuration.isConfigured, datagram.source != .any else { return }
        guard icmpErrors.allow(now: now) else {
            counters.icmpRateLimited &+= 1
            return
        }
        let quote = datagram.packet.prefix(Self.maximumQuote)
        let sum = InternetChecksum.sum(quote, initial: UInt32(type) << 8 | UInt32(code))
        let header = UInt64(type) << 56 | UInt64(code) << 48 | UInt64(InternetChecksum.finish(sum)) << 32
        let ours = configuration.address
        do throws(NetError) {
            try sendIPv4(proto: .icmp, source: ours, destination: datagram.source, header: header, body: quote, now: now)
            counters.icmpErrorsSent &+= 1
        } catch {
            counters.outputQueueFull &+= 1
        }
    }

    /// Sends an echo request of `payloadLength` bytes (0, 1, 2... repeating); the answer
    /// comes back as `.echoReply`.
    public mutating func ping(
        to destination: IPv4Address, identifier: UInt16, sequence: UInt16, payloadLength: Int, now: Instant
    ) throws(NetError) {
        guard configuration.isConfigured else { throw .noRoute }
        guard payloadLength >= 0, payloadLength <= pingPattern.count else { throw .datagramTooLarge }
        let rest = UInt64(identifier) << 16 | UInt64(sequence)
        let body = pingPattern[..<payloadLength]
        let sum = InternetChecksum.sum(body, initial: InternetChecksum.sum(word64: UInt64(ICMPCode.echoRequest) << 56 | rest))
        let header = UInt64(ICMPCode.echoRequest) << 56 | UInt64(InternetChecksum.finish(sum)) << 32 | rest
        let ours = configuration.address
        try sendIPv4(proto: .icmp, source: ours, destination: destination, header: header, body: body, now: now)
    }
}
