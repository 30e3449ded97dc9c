import OpenFlow
import Testing
import Wire
import TestSupport

/// Golden bytes for HELLO, ERROR, ECHO, VENDOR and BARRIER, written from the
/// OpenFlow 1.0 layout (`include/openflow/openflow.h`), checked both ways.
struct GoldenSymmetricMessageTests {
    @Test func helloEmpty() {
        expectGolden(hex("01 00 00 08 00 00 00 01"), OpenFlowMessage(xid: 1, .hello(Hello())))
    }

    @Test func helloWithBodyIsKept() {
        // An OpenFlow 1.3 version-bitmap element: 1.0 peers ignore it, we keep it.
        expectGolden(
            hex("01 00 00 10 00 00 00 02", "00 01 00 08 00 00 00 12"),
            OpenFlowMessage(xid: 2, .hello(Hello(body: [0x00, 0x01, 0x00, 0x08, 0x00, 0x00, 0x00, 0x12]))))
    }

    @Test func helloAnyVersionIsLegal() {
        expectGolden(
            hex("04 00 00 10 00 00 00 03", "00 01 00 08 00 00 00 12"),
            OpenFlowMessage(version: 0x04, xid: 3, .hello(Hello(body: [0x00, 0x01, 0x00, 0x08, 0x00, 0x00, 0x00, 0x12]))))
        expectGolden(hex("04 00 00 08 ff ff ff ff"), OpenFlowMessage(version: 0x04, xid: 0xFFFF_FFFF, .hello(Hello())))
        expectGolden(hex("00 00 00 08 00 00 00 00"), OpenFlowMessage(version: 0x00, xid: 0, .hello(Hello())))
    }

    static let errorCases: [(bytes: [UInt8], code: ErrorCode, data: [UInt8])] = [
        (hex("01 01 00 13 00 00 00 0a", "00 00 00 00", "62 61 64 20 76 65 72"),  // HELLO_FAILED INCOMPATIBLE "bad ver"
         .helloIncompatible, Array("bad ver".utf8)),
        (hex("01 01 00 14 00 00 00 0a", "00 01 00 01", "01 63 00 08 00 00 00 0b"),  // BAD_REQUEST BAD_TYPE
         .badType, hex("01 63 00 08 00 00 00 0b")),
        (hex("01 01 00 14 00 00 00 0a", "00 02 00 05", "01 0e 00 48 00 00 00 0c"),  // BAD_ACTION BAD_ARGUMENT
         .badActionArgument, hex("01 0e 00 48 00 00 00 0c")),
        (hex("01 01 00 14 00 00 00 0a", "00 03 00 01", "01 0e 00 48 00 00 00 0d"),  // FLOW_MOD_FAILED OVERLAP
         .flowOverlap, hex("01 0e 00 48 00 00 00 0d")),
        (hex("01 01 00 14 00 00 00 0a", "00 04 00 01", "01 0f 00 20 00 00 00 0e"),  // PORT_MOD_FAILED BAD_HW_ADDR
         .badHardwareAddress, hex("01 0f 00 20 00 00 00 0e")),
        (hex("01 01 00 14 00 00 00 0a", "00 05 00 01", "01 14 00 0c 00 00 00 0f"),  // QUEUE_OP_FAILED BAD_QUEUE
         .queueBadQueue, hex("01 14 00 0c 00 00 00 0f")),
        (hex("01 01 00 0c 00 00 00 0a", "0b 0b 12 34"),  // a type 1.0 lacks: kept as it came
         ErrorCode(type: ErrorType(rawValue: 0x0B0B), code: 0x1234), []),
    ]

    @Test(arguments: 0..<errorCases.count)
    func errorOfEachType(index: Int) {
        let c = Self.errorCases[index]
        expectGolden(c.bytes, OpenFlowMessage(xid: 10, .error(ErrorMessage(code: c.code, data: c.data[...]))))
    }

    @Test func errorConstantsMatchTheSpec() {
        let expected: [(ErrorCode, UInt16, UInt16, String)] = [
            (.helloIncompatible, 0, 0, "OFPET_HELLO_FAILED OFPHFC_INCOMPATIBLE"),
            (.helloPermissions, 0, 1, "OFPET_HELLO_FAILED OFPHFC_EPERM"),
            (.badVersion, 1, 0, "OFPET_BAD_REQUEST OFPBRC_BAD_VERSION"),
            (.badType, 1, 1, "OFPET_BAD_REQUEST OFPBRC_BAD_TYPE"),
            (.badStat, 1, 2, "OFPET_BAD_REQUEST OFPBRC_BAD_STAT"),
            (.badVendor, 1, 3, "OFPET_BAD_REQUEST OFPBRC_BAD_VENDOR"),
            (.badSubtype, 1, 4, "OFPET_BAD_REQUEST OFPBRC_BAD_SUBTYPE"),
            (.requestPermissions, 1, 5, "OFPET_BAD_REQUEST OFPBRC_EPERM"),
            (.badLength, 1, 6, "OFPET_BAD_REQUEST OFPBRC_BAD_LEN"),
            (.bufferEmpty, 1, 7, "OFPET_BAD_REQUEST OFPBRC_BUFFER_EMPTY"),
            (.bufferUnknown, 1, 8, "OFPET_BAD_REQUEST OFPBRC_BUFFER_UNKNOWN"),
            (.badActionType, 2, 0, "OFPET_BAD_ACTION OFPBAC_BAD_TYPE"),
            (.badActionLength, 2, 1, "OFPET_BAD_ACTION OFPBAC_BAD_LEN"),
            (.badActionVendor, 2, 2, "OFPET_BAD_ACTION OFPBAC_BAD_VENDOR"),
            (.badActionVendorType, 2, 3, "OFPET_BAD_ACTION OFPBAC_BAD_VENDOR_TYPE"),
            (.badOutPort, 2, 4, "OFPET_BAD_ACTION OFPBAC_BAD_OUT_PORT"),
            (.badActionArgument, 2, 5, "OFPET_BAD_ACTION OFPBAC_BAD_ARGUMENT"),
            (.actionPermissions, 2, 6, "OFPET_BAD_ACTION OFPBAC_EPERM"),
            (.tooManyActions, 2, 7, "OFPET_BAD_ACTION OFPBAC_TOO_MANY"),
            (.badQueue, 2, 8, "OFPET_BAD_ACTION OFPBAC_BAD_QUEUE"),
            (.allTablesFull, 3, 0, "OFPET_FLOW_MOD_FAILED OFPFMFC_ALL_TABLES_FULL"),
            (.flowOverlap, 3, 1, "OFPET_FLOW_MOD_FAILED OFPFMFC_OVERLAP"),
            (.flowModPermissions, 3, 2, "OFPET_FLOW_MOD_FAILED OFPFMFC_EPERM"),
            (.badEmergencyTimeout, 3, 3, "OFPET_FLOW_MOD_FAILED OFPFMFC_BAD_EMERG_TIMEOUT"),
            (.badFlowModCommand, 3, 4, "OFPET_FLOW_MOD_FAILED OFPFMFC_BAD_COMMAND"),
            (.flowModUnsupported, 3, 5, "OFPET_FLOW_MOD_FAILED OFPFMFC_UNSUPPORTED"),
            (.badPort, 4, 0, "OFPET_PORT_MOD_FAILED OFPPMFC_BAD_PORT"),
            (.badHardwareAddress, 4, 1, "OFPET_PORT_MOD_FAILED OFPPMFC_BAD_HW_ADDR"),
            (.queueBadPort, 5, 0, "OFPET_QUEUE_OP_FAILED OFPQOFC_BAD_PORT"),
            (.queueBadQueue, 5, 1, "OFPET_QUEUE_OP_FAILED OFPQOFC_BAD_QUEUE"),
            (.queuePermissions, 5, 2, "OFPET_QUEUE_OP_FAILED OFPQOFC_EPERM"),
        ]
        for (code, type, value, name) in expected {
            #expect(code.type.rawValue == type && code.code == value, "\(name)")
            #expect(code.specName == name)
        }
        #expect(ErrorCode(type: ErrorType(rawValue: 9), code: 3).specName == "type=9 code=3")
        #expect(ErrorCode(type: .badRequest, code: 99).specName == "OFPET_BAD_REQUEST code=99")
    }

    @Test func errorAnsweringKeepsTheFirst64Bytes() {
        let request = [UInt8](0..<100)
        let error = ErrorMessage(code: .badLength, answering: request[...])
        #expect(Array(error.data) == Array(0..<64))
        let short = ErrorMessage(code: .badLength, answering: request[0..<8])
        #expect(Array(short.data) == Array(0..<8))
    }

    @Test func echoRequestAndReply() {
        expectGolden(
            hex("01 02 00 0c 00 00 00 10", "de ad be ef"),
            OpenFlowMessage(xid: 16, .echoRequest(Echo(payload: [0xDE, 0xAD, 0xBE, 0xEF]))))
        expectGolden(
            hex("01 03 00 0c 00 00 00 10", "de ad be ef"),
            OpenFlowMessage(xid: 16, .echoReply(Echo(payload: [0xDE, 0xAD, 0xBE, 0xEF]))))
        expectGolden(hex("01 02 00 08 00 00 00 11"), OpenFlowMessage(xid: 17, .echoRequest(Echo())))
        expectGolden(hex("01 03 00 08 00 00 00 11"), OpenFlowMessage(xid: 17, .echoReply(Echo())))
    }

    @Test func vendor() {
        expectGolden(
            hex("01 04 00 14 00 00 00 11", "00 00 23 20", "00 00 00 0a 00 00 00 00"),
            OpenFlowMessage(xid: 0x11, .vendor(VendorMessage(vendor: 0x2320, body: [0, 0, 0, 0x0A, 0, 0, 0, 0]))))
        expectGolden(
            hex("01 04 00 0c 00 00 00 11", "ff ff ff ff"),
            OpenFlowMessage(xid: 0x11, .vendor(VendorMessage(vendor: 0xFFFF_FFFF))))
    }

    @Test func barrier() {
        expectGolden(hex("01 12 00 08 00 00 00 40"), OpenFlowMessage(xid: 0x40, .barrierRequest))
        expectGolden(hex("01 13 00 08 00 00 00 40"), OpenFlowMessage(xid: 0x40, .barrierReply))
    }
}
