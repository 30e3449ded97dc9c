import Wire

/// Writes a whole TCP connection into a pcap: handshake, data in either direction split
/// at the segment size, and an orderly close. Sequence and acknowledgment numbers,
/// IPv4 identifications and timestamps (1 ms apart) advance as a real capture's would.
public struct TCPConversation: Sendable {
    public enum Side: Sendable {
        case client
        case server
    }

    public let client: TCPEndpoint
    public let server: TCPEndpoint
    public private(set) var writer: PcapWriter
    /// Payload bytes per segment when `send` splits data.
    public var maximumSegmentSize = 1460
    private var clientNext: UInt32
    private var serverNext: UInt32
    private var time: CaptureTimestamp
    private var identification: UInt16 = 1

    public init(
        client: TCPEndpoint, server: TCPEndpoint, clientISN: UInt32 = 0x1000_0000,
        serverISN: UInt32 = 0x2000_0000, writer: PcapWriter = PcapWriter(),
        start: CaptureTimestamp = CaptureTimestamp(seconds: 1_700_000_000, nanoseconds: 0)
    ) {
        self.client = client
        self.server = server
        self.clientNext = clientISN
        self.serverNext = serverISN
        self.writer = writer
        self.time = start
    }

    /// The pcap file written so far.
    public var bytes: [UInt8] { writer.bytes }

    /// SYN, SYN-ACK, ACK.
    public mutating func handshake() {
        emit(from: .client, flags: TCPHeader.Flags.syn, acknowledging: false)
        emit(from: .server, flags: TCPHeader.Flags.syn | TCPHeader.Flags.ack)
        emit(from: .client, flags: TCPHeader.Flags.ack)
    }

    /// `payload` from `side`, in segments of at most `maximumSegmentSize` bytes.
    public mutating func send(_ payload: [UInt8], from side: Side) {
        var start = payload.startIndex
        while start < payload.endIndex {
            let end = min(start + max(1, maximumSegmentSize), payload.endIndex)
            emit(from: side, flags: TCPHeader.Flags.psh | TCPHeader.Flags.ack, payload: payload[start..<end])
            start = end
        }
    }

    /// FIN from the client, FIN from the server, final ACK.
    public mutating func close() {
        emit(from: .client, flags: TCPHeader.Flags.fin | TCPHeader.Flags.ack)
        emit(from: .server, flags: TCPHeader.Flags.fin | TCPHeader.Flags.ack)
        emit(from: .client, flags: TCPHeader.Flags.ack)
    }

    private mutating func emit(
        from side: Side, flags: UInt16, acknowledging: Bool = true, payload: ArraySlice<UInt8> = []
    ) {
        let sequence = side == .client ? clientNext : serverNext
        let acknowledgment = acknowledging ? (side == .client ? serverNext : clientNext) : 0
        let (source, destination) = side == .client ? (client, server) : (server, client)
        let frame = TCPFrame.make(
            from: source, to: destination, sequence: sequence, acknowledgment: acknowledgment,
            flags: flags, identification: identification, payload: payload)
        // SYN and FIN each take one sequence number.
        let consumed = UInt32(payload.count) + (flags & (TCPHeader.Flags.syn | TCPHeader.Flags.fin) != 0 ? 1 : 0)
        if side == .client { clientNext &+= consumed } else { serverNext &+= consumed }
        identification &+= 1
        writer.append(frame[...], at: time)
        time = CaptureTimestamp(seconds: time.seconds, nanoseconds: time.nanoseconds + 1_000_000)
    }
}
