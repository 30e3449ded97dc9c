import Controller
import OpenFlow
import Testing
import Wire

/// The LLDP probe: the bytes Ryu sends, a round trip, and every way a frame can be wrong.
struct LLDPFrameTests {
    static let source = MACAddress(0x02, 0, 0, 0, 0, 0x07)

    static func encoded(_ probe: LLDPFrame) -> [UInt8] {
        var buffer: [UInt8] = []
        probe.encode(source: source, into: &buffer)
        return buffer
    }

    @Test func encodesTheTLVsRyuSends() {
        let bytes = Self.encoded(LLDPFrame(datapath: DatapathID(0x1_0000_00AB), port: PortNumber(3)))
        let expected: [UInt8] =
            [0x01, 0x80, 0xC2, 0x00, 0x00, 0x0E, 0x02, 0, 0, 0, 0, 0x07, 0x88, 0xCC]
            + [0x02, 22, 7] + Array("dpid:00000001000000ab".utf8)
            + [0x04, 5, 2, 0, 0, 0, 3]
            + [0x06, 2, 0, 120]
            + [0, 0]
        #expect(bytes == expected)
    }

    @Test func roundTrips() throws {
        for (datapath, port) in [(UInt64(1), UInt16(1)), (0xFFFF_FFFF_FFFF_FFFF, 0xFF00), (0x0123_4567_89AB_CDEF, 42)] {
            let probe = LLDPFrame(datapath: DatapathID(datapath), port: PortNumber(port), ttl: 7)
            #expect(try LLDPFrame(parsing: Self.encoded(probe)[...]) == probe)
        }
    }

    @Test func reusesItsBuffer() {
        var buffer: [UInt8] = []
        LLDPFrame(datapath: DatapathID(1), port: PortNumber(1)).encode(source: Self.source, into: &buffer)
        let first = buffer
        LLDPFrame(datapath: DatapathID(2), port: PortNumber(9)).encode(source: Self.source, into: &buffer)
        #expect(buffer.count == first.count)
        #expect(buffer != first)
    }

    @Test func acceptsOptionalTLVsAndPadding() throws {
        var bytes = Self.encoded(LLDPFrame(datapath: DatapathID(5), port: PortNumber(2)))
        // A system name TLV before End, and Ethernet padding after it.
        bytes.insert(contentsOf: [0x0A, 3, 0x61, 0x62, 0x63], at: bytes.count - 2)
        bytes += [UInt8](repeating: 0, count: 10)
        #expect(try LLDPFrame(parsing: bytes[...]) == LLDPFrame(datapath: DatapathID(5), port: PortNumber(2)))
    }

    /// Every prefix of a good frame is truncated somewhere; none traps.
    @Test func everyTruncationIsAnError() {
        let bytes = Self.encoded(LLDPFrame(datapath: DatapathID(5), port: PortNumber(2)))
        for length in 0..<bytes.count {
            #expect(throws: LLDPError.self) { try LLDPFrame(parsing: bytes.prefix(length)) }
        }
        #expect(throws: LLDPError.truncated) { try LLDPFrame(parsing: bytes.prefix(bytes.count - 1)) }
    }

    @Test(arguments: [
        (0, 0x00, LLDPError.notLLDP),  // destination not the nearest-bridge group
        (12, 0x08, .notLLDP),  // EtherType
        (14, 0x04, .badTLV(type: 2)),  // port id where the chassis id belongs
        (16, 4, .foreignChassisID),  // chassis subtype MAC address
        (17, 0x44, .foreignChassisID),  // "Dpid:"
        (30, 0x7A, .foreignChassisID),  // a 'z' among the hex digits
        (40, 3, .badPortID),  // port subtype
        (44, 0, .badPortID),  // port 0
        (45, 0x08, .badTLV(type: 4)),  // TTL TLV type
        (49, 0x02, .badTLV(type: 1)),  // a second chassis id where End belongs
    ] as [(Int, UInt8, LLDPError)])
    func rejectsWrongFields(offset: Int, value: UInt8, error: LLDPError) {
        var bytes = Self.encoded(LLDPFrame(datapath: DatapathID(5), port: PortNumber(2)))
        bytes[offset] = value
        #expect(throws: error) { try LLDPFrame(parsing: bytes[...]) }
    }

    @Test func rejectsBadLengths() {
        let good = Self.encoded(LLDPFrame(datapath: DatapathID(5), port: PortNumber(2)))
        var bytes = good
        bytes[15] = 21  // chassis id one byte short: its last digit becomes the port TLV's
        #expect(throws: LLDPError.self) { try LLDPFrame(parsing: bytes[...]) }
        bytes = good
        bytes[46] = 3  // TTL of three bytes
        #expect(throws: LLDPError.self) { try LLDPFrame(parsing: bytes[...]) }
        bytes = good
        bytes[50] = 0x01  // End with a length
        #expect(throws: LLDPError.self) { try LLDPFrame(parsing: bytes[...]) }
        bytes = good
        bytes[39] = 3  // port id of two bytes
        #expect(throws: LLDPError.self) { try LLDPFrame(parsing: bytes[...]) }
    }

    /// Random bytes after a valid Ethernet header never trap.
    @Test func randomBodiesNeverTrap() {
        var state: UInt64 = 0x11D9
        func random() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        let header = Array(Self.encoded(LLDPFrame(datapath: DatapathID(1), port: PortNumber(1))).prefix(14))
        for _ in 0..<2000 {
            let length = Int(random() % 80)
            let body = (0..<length).map { _ in UInt8(truncatingIfNeeded: random()) }
            _ = try? LLDPFrame(parsing: (header + body)[...])
        }
    }
}
