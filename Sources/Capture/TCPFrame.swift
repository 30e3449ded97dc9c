import Wire

/// One end of a synthesized TCP connection.
public struct TCPEndpoint: Hashable, Sendable {
    public var mac: MACAddress
    public var address: IPv4Address
    public var port: UInt16

    public init(mac: MACAddress, address: IPv4Address, port: UInt16) {
        self.mac = mac
        self.address = address
        self.port = port
    }
}

/// Synthesizes Ethernet + IPv4 + TCP frames with valid checksums, so captures we write
/// look to tshark exactly like ones taken from a real link.
public enum TCPFrame {
    static let headerLength = EthernetHeader.length + IPv4Header.minimumLength + TCPHeader.minimumLength
    /// The largest payload a 20-byte IPv4 header and 20-byte TCP header can carry.
    public static let maximumPayload = Int(UInt16.max) - IPv4Header.minimumLength - TCPHeader.minimumLength

    /// A frame from `source` to `destination` (IPv4 with DF, TTL 64, no TCP options).
    /// `payload` must not exceed `maximumPayload` bytes.
    public static func make(
        from source: TCPEndpoint, to destination: TCPEndpoint,
        sequence: UInt32, acknowledgment: UInt32, flags: UInt16,
        window: UInt16 = 65535, identification: UInt16 = 0, payload: ArraySlice<UInt8> = []
    ) -> [UInt8] {
        precondition(payload.count <= maximumPayload, "TCP payload exceeds one IPv4 packet")
        var frame: [UInt8] = []
        frame.reserveCapacity(headerLength + payload.count)
        appendMAC(destination.mac, to: &frame)
        appendMAC(source.mac, to: &frame)
        append16(EtherType.ipv4.rawValue, to: &frame)

        let ipStart = frame.count
        frame.append(0x45)  // version 4, IHL 5
        frame.append(0)  // TOS
        append16(UInt16(IPv4Header.minimumLength + TCPHeader.minimumLength + payload.count), to: &frame)
        append16(identification, to: &frame)
        append16(0x4000, to: &frame)  // don't fragment
        frame.append(64)  // TTL
        frame.append(IPProtocol.tcp.rawValue)
        append16(0, to: &frame)  // checksum, patched below
        append32(source.address.rawValue, to: &frame)
        append32(destination.address.rawValue, to: &frame)
        let ipChecksum = InternetChecksum.checksum(frame[ipStart...])
        patch16(ipChecksum, at: ipStart + IPv4Header.Offset.checksum, in: &frame)

        let tcpStart = frame.count
        append16(source.port, to: &frame)
        append16(destination.port, to: &frame)
        append32(sequence, to: &frame)
        append32(acknowledgment, to: &frame)
        append16(UInt16(TCPHeader.minimumLength / 4) << 12 | flags, to: &frame)
        append16(window, to: &frame)
        append16(0, to: &frame)  // checksum, patched below
        append16(0, to: &frame)  // urgent pointer
        frame.append(contentsOf: payload)
        let pseudo = InternetChecksum.pseudoHeaderSum(
            source: source.address, destination: destination.address,
            protocol: IPProtocol.tcp.rawValue, length: frame.count - tcpStart)
        let tcpChecksum = InternetChecksum.checksum(frame[tcpStart...], initial: pseudo)
        patch16(tcpChecksum, at: tcpStart + TCPHeader.Offset.checksum, in: &frame)
        return frame
    }

    private static func appendMAC(_ mac: MACAddress, to frame: inout [UInt8]) {
        for i in 0..<6 { frame.append(mac[i]) }
    }

    private static func append16(_ value: UInt16, to frame: inout [UInt8]) {
        frame.append(UInt8(value >> 8))
        frame.append(UInt8(truncatingIfNeeded: value))
    }

    private static func append32(_ value: UInt32, to frame: inout [UInt8]) {
        append16(UInt16(value >> 16), to: &frame)
        append16(UInt16(truncatingIfNeeded: value), to: &frame)
    }

    private static func patch16(_ value: UInt16, at offset: Int, in frame: inout [UInt8]) {
        frame[offset] = UInt8(value >> 8)
        frame[offset + 1] = UInt8(truncatingIfNeeded: value)
    }
}
