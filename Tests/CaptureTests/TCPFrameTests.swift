import Capture
import Testing
import Wire

/// Synthesized frames must be indistinguishable from captured ones: valid checksums,
/// consistent lengths, and sequence numbers that follow TCP's rules.
struct TCPFrameTests {
    static let client = TCPEndpoint(mac: MACAddress(2, 0, 0, 0, 0, 1), address: IPv4Address(10, 0, 0, 1), port: 40000)
    static let server = TCPEndpoint(mac: MACAddress(2, 0, 0, 0, 0, 2), address: IPv4Address(10, 0, 0, 2), port: 6653)

    @Test(arguments: [0, 1, 7, 1460])
    func checksumsVerify(payloadLength: Int) throws {
        let payload = (0..<payloadLength).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        let frame = TCPFrame.make(
            from: Self.client, to: Self.server, sequence: 0xFFFF_FFF0, acknowledgment: 9,
            flags: TCPHeader.Flags.psh | TCPHeader.Flags.ack, payload: payload[...])
        let ethernet = try EthernetHeader(frame[...])
        #expect(ethernet.etherType == .ipv4)
        #expect(ethernet.source == Self.client.mac)
        let ip = try IPv4Header(ethernet.payload)
        #expect(ip.checksumIsValid)
        #expect(Int(ip.totalLength) == 40 + payloadLength)
        let segment = ip.payload
        let pseudo = InternetChecksum.pseudoHeaderSum(
            source: ip.source, destination: ip.destination, protocol: IPProtocol.tcp.rawValue, length: segment.count)
        #expect(InternetChecksum.checksum(segment, initial: pseudo) == 0)
        let tcp = try TCPHeader(segment)
        #expect(tcp.sequenceNumber == 0xFFFF_FFF0)
        #expect(tcp.acknowledgmentNumber == 9)
        #expect(Array(tcp.payload) == payload)
    }

    @Test func conversationNumbersFollowTCP() throws {
        var conversation = TCPConversation(client: Self.client, server: Self.server, clientISN: 100, serverISN: 500)
        conversation.maximumSegmentSize = 4
        conversation.handshake()
        conversation.send([1, 2, 3, 4, 5, 6], from: .client)
        conversation.send([9], from: .server)
        conversation.close()
        var reader = try PcapReader(conversation.bytes)
        var seen: [(seq: UInt32, ack: UInt32, flags: UInt16, length: Int)] = []
        var last = CaptureTimestamp(seconds: 0, nanoseconds: 0)
        while let record = try reader.next() {
            #expect(record.timestamp > last)
            last = record.timestamp
            let tcp = try TCPHeader(try IPv4Header(try EthernetHeader(record.data).payload).payload)
            seen.append((tcp.sequenceNumber, tcp.acknowledgmentNumber, tcp.flags, tcp.payload.count))
        }
        let syn = TCPHeader.Flags.syn, ack = TCPHeader.Flags.ack, psh = TCPHeader.Flags.psh, fin = TCPHeader.Flags.fin
        let expected: [(UInt32, UInt32, UInt16, Int)] = [
            (100, 0, syn, 0), (500, 101, syn | ack, 0), (101, 501, ack, 0),
            (101, 501, psh | ack, 4), (105, 501, psh | ack, 2), (501, 107, psh | ack, 1),
            (107, 502, fin | ack, 0), (502, 108, fin | ack, 0), (108, 503, ack, 0),
        ]
        #expect(seen.count == expected.count)
        for (got, want) in zip(seen, expected) {
            #expect(got.seq == want.0 && got.ack == want.1 && got.flags == want.2 && got.length == want.3)
        }
    }
}
