import OpenFlow
import Testing
import Wire
import TestSupport

/// Checks a hand-written message both ways: the bytes decode to `expected` (also from a
/// slice that does not start at index 0, as the framer hands them out), and `expected`
/// encodes to exactly the bytes.
func expectGolden(
    _ bytes: [UInt8], _ expected: OpenFlowMessage, sourceLocation: SourceLocation = #_sourceLocation
) {
    for problem in goldenProblems(bytes, expected) {
        Issue.record(Comment(rawValue: problem), sourceLocation: sourceLocation)
    }
}

/// What `expectGolden` finds wrong, one line each; empty when the pair agrees. A value,
/// so the helper's own tests can check it notices a wrong byte without failing.
func goldenProblems(_ bytes: [UInt8], _ expected: OpenFlowMessage) -> [String] {
    var problems: [String] = []
    let declared = Int(bytes[2]) << 8 | Int(bytes[3])
    if declared != bytes.count {
        problems.append("golden literal's own length field is \(declared), literal has \(bytes.count) bytes")
    }
    do {
        let decoded = try OpenFlowMessage.decode(bytes[...])
        if decoded != expected { problems.append("decoded \(decoded)\n  want \(expected)") }
        let shifted = [0xEE, 0xEE, 0xEE] + bytes + [0xEE]
        let fromSlice = try OpenFlowMessage.decode(shifted[3..<(3 + bytes.count)])
        if fromSlice != expected { problems.append("decoding an offset slice gave \(fromSlice)") }
    } catch {
        problems.append("decode threw \(error) for \(hexString(bytes))")
    }
    do {
        let encoded = try expected.encoded()
        if encoded != bytes { problems.append("encoding differs\n got: \(hexString(encoded))\nwant: \(hexString(bytes))") }
    } catch {
        problems.append("encode threw \(error)")
    }
    if expected.wireLength != bytes.count { problems.append("wireLength \(expected.wireLength), want \(bytes.count)") }
    return problems
}

/// Fixtures shared by the golden tests: each value beside its hand-written bytes.
enum Fixture {
    /// A match with some fields wildcarded (values kept), nw_src as a /24.
    static let match = Match(
        wildcards: Wildcards(rawValue: 0x0030_08C0), inPort: PortNumber(3),
        dlSrc: MACAddress(0x00, 0x11, 0x22, 0x33, 0x44, 0x55), dlDst: MACAddress(0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB),
        dlVLAN: 100, dlVLANPCP: 5, dlType: 0x0800, nwTOS: 0, nwProto: 6,
        nwSrc: IPv4Address(10, 0, 0, 0), nwDst: IPv4Address(192, 168, 1, 2), tpSrc: 8080, tpDst: 80)
    static let matchBytes = hex(
        "00 30 08 c0",  // wildcards: TP_SRC|TP_DST|NW_SRC(8 bits)|DL_VLAN_PCP|NW_TOS
        "00 03",  // in_port
        "00 11 22 33 44 55",  // dl_src
        "66 77 88 99 aa bb",  // dl_dst
        "00 64",  // dl_vlan 100
        "05 00",  // dl_vlan_pcp, pad
        "08 00",  // dl_type
        "00 06 00 00",  // nw_tos, nw_proto, pad[2]
        "0a 00 00 00",  // nw_src
        "c0 a8 01 02",  // nw_dst
        "1f 90 00 50")  // tp_src 8080, tp_dst 80

    /// OFPFW_ALL and every field zero.
    static let matchAll = Match()
    static let matchAllBytes = hex("00 3f ff ff") + zeros(36)

    static let port1 = PhyPort(
        portNumber: PortNumber(1), hardwareAddress: MACAddress(2, 0, 0, 0, 0, 1), name: "eth1",
        config: [], state: .stpForward, current: [.rate1GbFD, .copper, .autoNegotiation],
        advertised: [.rate10MbHD, .rate10MbFD, .rate100MbHD, .rate100MbFD, .rate1GbHD, .rate1GbFD, .copper, .autoNegotiation],
        supported: [.rate10MbHD, .rate10MbFD, .rate100MbHD, .rate100MbFD, .rate1GbHD, .rate1GbFD, .copper, .autoNegotiation],
        peer: [])
    static let port1Bytes = hex(
        "00 01",  // port_no
        "02 00 00 00 00 01",  // hw_addr
        "65 74 68 31 00 00 00 00 00 00 00 00 00 00 00 00",  // name "eth1"
        "00 00 00 00",  // config
        "00 00 02 00",  // state: STP_FORWARD
        "00 00 02 a0",  // curr: 1GB_FD|COPPER|AUTONEG
        "00 00 02 bf",  // advertised
        "00 00 02 bf",  // supported
        "00 00 00 00")  // peer

    static let portLocal = PhyPort(
        portNumber: .local, hardwareAddress: MACAddress(2, 0, 0, 0, 0, 0xFE), name: "br0",
        config: [.portDown, .noFlood], state: .linkDown)
    static let portLocalBytes = hex(
        "ff fe",  // OFPP_LOCAL
        "02 00 00 00 00 fe",
        "62 72 30 00 00 00 00 00 00 00 00 00 00 00 00 00",  // "br0"
        "00 00 00 11",  // PORT_DOWN|NO_FLOOD
        "00 00 00 01",  // LINK_DOWN
        "00 00 00 00", "00 00 00 00", "00 00 00 00", "00 00 00 00")

    /// One of each of the 12 standard actions, then a vendor action.
    static let everyAction: [Action] = [
        .output(port: PortNumber(1), maxLength: 0),
        .setVLANVID(0x123),
        .setVLANPCP(7),
        .stripVLAN,
        .setDLSrc(MACAddress(0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F)),
        .setDLDst(MACAddress(0xFF, 0xEE, 0xDD, 0xCC, 0xBB, 0xAA)),
        .setNWSrc(IPv4Address(10, 1, 2, 3)),
        .setNWDst(IPv4Address(172, 16, 0, 1)),
        .setNWTOS(0xB8),
        .setTPSrc(1234),
        .setTPDst(80),
        .enqueue(port: PortNumber(2), queueID: 7),
        .vendor(vendor: 0x2320, body: [0x00, 0x0C, 0, 0, 0, 0, 0, 0]),
    ]
    static let everyActionBytes = hex(
        "00 00 00 08 00 01 00 00",  // OUTPUT port 1, max_len 0
        "00 01 00 08 01 23 00 00",  // SET_VLAN_VID 0x123
        "00 02 00 08 07 00 00 00",  // SET_VLAN_PCP 7
        "00 03 00 08 00 00 00 00",  // STRIP_VLAN
        "00 04 00 10 0a 0b 0c 0d 0e 0f 00 00 00 00 00 00",  // SET_DL_SRC
        "00 05 00 10 ff ee dd cc bb aa 00 00 00 00 00 00",  // SET_DL_DST
        "00 06 00 08 0a 01 02 03",  // SET_NW_SRC 10.1.2.3
        "00 07 00 08 ac 10 00 01",  // SET_NW_DST 172.16.0.1
        "00 08 00 08 b8 00 00 00",  // SET_NW_TOS 0xb8 (DSCP EF)
        "00 09 00 08 04 d2 00 00",  // SET_TP_SRC 1234
        "00 0a 00 08 00 50 00 00",  // SET_TP_DST 80
        "00 0b 00 10 00 02 00 00 00 00 00 00 00 00 00 07",  // ENQUEUE port 2 queue 7
        "ff ff 00 10 00 00 23 20 00 0c 00 00 00 00 00 00")  // VENDOR 0x2320 + 8 bytes
}

/// The helpers themselves must notice a wrong byte, a wrong value and a wrong error
/// (checked on the problems they report, so a green run prints no failure lines).
struct GoldenHelperSelfTests {
    @Test func goldenNoticesAWrongByte() {
        let echo = Echo(payload: [0xDE, 0xAD, 0xBE, 0xEF])
        #expect(goldenProblems(hex("01 02 00 0c 00 00 00 01 de ad be ef"), OpenFlowMessage(xid: 1, .echoRequest(echo))).isEmpty)
        #expect(!goldenProblems(hex("01 02 00 0c 00 00 00 01 de ad be ee"), OpenFlowMessage(xid: 1, .echoRequest(echo))).isEmpty)
        #expect(!goldenProblems(hex("01 02 00 0c 00 00 00 01 de ad be ef"), OpenFlowMessage(xid: 2, .echoRequest(echo))).isEmpty)
    }

    @Test func decodeErrorNoticesTheWrongError() {
        #expect(decodeErrorProblems(hex("01 63 00 08 00 00 00 01"), .badType(MessageType(rawValue: 0x63)), type: 1, code: 1).isEmpty)
        #expect(!decodeErrorProblems(hex("01 63 00 08 00 00 00 01"), .badVersion(1), type: 1, code: 0).isEmpty)
        #expect(!decodeErrorProblems(hex("01 12 00 08 00 00 00 01"), .badLength(.barrierRequest), type: 1, code: 6).isEmpty)
    }

    @Test func hexHelper() {
        #expect(hex("01 0e", "00 48", "") == [0x01, 0x0E, 0x00, 0x48])
        #expect(hex("ABcd ef") == [0xAB, 0xCD, 0xEF])
        #expect(asciiField("ab", width: 4) == [0x61, 0x62, 0, 0])
        #expect(hexString([0x01, 0xAB]) == "01 ab")
    }
}
