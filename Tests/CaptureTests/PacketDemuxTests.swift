import Capture
import Testing
import Wire

/// Every supported link layer leads to the same TCP segment; everything else is
/// classified, not dropped.
struct PacketDemuxTests {
    static let frame = TCPFrame.make(
        from: TCPFrameTests.client, to: TCPFrameTests.server, sequence: 77, acknowledgment: 0,
        flags: TCPHeader.Flags.ack, payload: [0xDE, 0xAD][...])
    static var ipv4: [UInt8] { Array(frame.dropFirst(EthernetHeader.length)) }

    static func segment(_ outcome: PacketDemux.Outcome) -> TCPSegment? {
        if case .tcp(let segment) = outcome { return segment }
        return nil
    }

    static func expectSegment(_ bytes: [UInt8], _ linkType: LinkType) throws {
        let segment = try #require(Self.segment(PacketDemux.decode(bytes[...], linkType: linkType)))
        #expect(segment.key.description == "10.0.0.1:40000 > 10.0.0.2:6653")
        #expect(segment.sequence == 77)
        #expect(Array(segment.payload) == [0xDE, 0xAD])
        #expect(segment.missingLength == 0)
    }

    @Test func ethernet() throws { try Self.expectSegment(Self.frame, .ethernet) }

    @Test func stackedVLANTags() throws {
        let tagged = Array(Self.frame[0..<12]) + [0x88, 0xA8, 0x00, 0x0A, 0x81, 0x00, 0x00, 0x14, 0x08, 0x00] + Self.ipv4
        try Self.expectSegment(tagged, .ethernet)
    }

    @Test func linuxCooked() throws {
        try Self.expectSegment([0, 4, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00] + Self.ipv4, .linuxSLL)
        try Self.expectSegment([0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 4, 6, 2, 0, 0, 0, 0, 1, 0, 0] + Self.ipv4, .linuxSLL2)
    }

    @Test func rawAndLoopback() throws {
        try Self.expectSegment(Self.ipv4, .raw)
        try Self.expectSegment(Self.ipv4, .ipv4)
        try Self.expectSegment([2, 0, 0, 0] + Self.ipv4, .null)
        try Self.expectSegment([0, 0, 0, 2] + Self.ipv4, .loop)
    }

    @Test func ethernetPaddingIsNotPayload() throws {
        try Self.expectSegment(Self.frame + [0, 0, 0, 0, 0, 0], .ethernet)
    }

    @Test func snapLengthCutIsReportedAsMissing() throws {
        let segment = try #require(Self.segment(PacketDemux.decode(Self.frame.dropLast(1), linkType: .ethernet)))
        #expect(Array(segment.payload) == [0xDE])
        #expect(segment.missingLength == 1)
    }

    @Test func segmentationOffloadZeroLength() throws {
        var ipv4 = Self.ipv4
        ipv4[2] = 0
        ipv4[3] = 0
        let segment = try #require(Self.segment(PacketDemux.decode(ipv4[...], linkType: .raw)))
        #expect(Array(segment.payload) == [0xDE, 0xAD])
    }

    @Test func otherTraffic() {
        var udp = Self.ipv4
        udp[9] = IPProtocol.udp.rawValue
        #expect(Self.isOther(PacketDemux.decode(udp[...], linkType: .raw)))
        var arp = Self.frame
        arp[13] = 0x06
        #expect(Self.isOther(PacketDemux.decode(arp[...], linkType: .ethernet)))
        #expect(Self.isOther(PacketDemux.decode(Self.frame[...], linkType: LinkType(rawValue: 105))))
        #expect(Self.isOther(PacketDemux.decode([0x60] + Self.ipv4.dropFirst(), linkType: .raw)))
    }

    @Test func fragmentsAndMalformedHeaders() {
        var fragment = Self.ipv4
        fragment[6] = 0x20  // more fragments
        if case .fragment = PacketDemux.decode(fragment[...], linkType: .raw) {} else { Issue.record("not a fragment") }
        for bad in [Array(Self.frame.prefix(10)), Array(Self.frame.prefix(30)), Array(Self.frame.prefix(40))] {
            if case .malformed = PacketDemux.decode(bad[...], linkType: .ethernet) {} else { Issue.record("accepted \(bad.count) bytes") }
        }
        var shortTotal = Self.ipv4
        shortTotal[3] = 10
        if case .malformed = PacketDemux.decode(shortTotal[...], linkType: .raw) {} else { Issue.record("total < IHL accepted") }
    }

    static func isOther(_ outcome: PacketDemux.Outcome) -> Bool {
        if case .other = outcome { return true }
        return false
    }
}
