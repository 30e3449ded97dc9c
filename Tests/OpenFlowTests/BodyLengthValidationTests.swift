import OpenFlow
import Testing
import TestSupport

/// Bodies too short or too long for their message's structure: OFPBRC_BAD_LEN.
struct BodyLengthValidationTests {
    /// Each type with the length of a valid all-zero-body message (`body` overrides the
    /// zeros), and whether that length is the only one allowed.
    static let shapes: [(type: MessageType, length: Int, fixed: Bool, body: [UInt8])] = [
        (.featuresRequest, 8, true, []),
        (.getConfigRequest, 8, true, []),
        (.barrierRequest, 8, true, []),
        (.barrierReply, 8, true, []),
        (.getConfigReply, 12, true, []),
        (.setConfig, 12, true, []),
        (.queueGetConfigRequest, 12, true, []),
        (.portMod, 32, true, []),
        (.portStatus, 64, true, []),
        (.flowRemoved, 88, true, []),
        (.error, 12, false, []),
        (.vendor, 12, false, []),
        (.featuresReply, 32, false, []),
        (.packetIn, 18, false, []),
        (.packetOut, 16, false, []),
        (.flowMod, 72, false, []),
        (.statsRequest, 12, false, []),
        (.statsReply, 12, false, hex("00 03 00 00")),  // an empty table stats reply
        (.queueGetConfigReply, 16, false, []),
    ]

    static func message(_ type: MessageType, length: Int, body: [UInt8]) -> [UInt8] {
        var bytes = [0x01, type.rawValue, 0, 0, 0, 0, 0, 0x2A] + body
        bytes += zeros(max(0, length - bytes.count))
        return withLength(Array(bytes.prefix(length)))
    }

    @Test(arguments: 0..<shapes.count)
    func shortestValidDecodes(index: Int) throws {
        let s = Self.shapes[index]
        let decoded = try OpenFlowMessage.decode(Self.message(s.type, length: s.length, body: s.body)[...])
        #expect(decoded.type == s.type)
        #expect(decoded.xid == 0x2A)
    }

    @Test(arguments: 0..<shapes.count)
    func oneByteShortIsBadLength(index: Int) {
        let s = Self.shapes[index]
        guard s.length > 8 else { return }
        for cut in 1...(s.length - 8) {
            expectDecodeError(
                Self.message(s.type, length: s.length - cut, body: s.body), .badLength(s.type),
                type: OFPET_BAD_REQUEST, code: OFPBRC_BAD_LEN)
        }
    }

    @Test(arguments: 0..<shapes.count)
    func fixedSizeWithExtraBytesIsBadLength(index: Int) {
        let s = Self.shapes[index]
        guard s.fixed else { return }
        for extra in [1, 4, 8] {
            expectDecodeError(
                Self.message(s.type, length: s.length + extra, body: s.body), .badLength(s.type),
                type: OFPET_BAD_REQUEST, code: OFPBRC_BAD_LEN)
        }
    }

    @Test func featuresReplyPortsMustBeWhole() {
        for extra in [1, 47, 49, 95] {
            expectDecodeError(
                Self.message(.featuresReply, length: 32 + extra, body: []), .badLength(.featuresReply),
                type: OFPET_BAD_REQUEST, code: OFPBRC_BAD_LEN)
        }
    }

    @Test func packetOutActionsLengthOverrunning() {
        // actions_len 16 with one 8-byte action present.
        expectDecodeError(
            hex("01 0d 00 18 00 00 00 01", "ff ff ff ff", "ff ff", "00 10", "00 00 00 08 ff fb 00 00"),
            .badLength(.packetOut), type: OFPET_BAD_REQUEST, code: OFPBRC_BAD_LEN)
        expectDecodeError(
            hex("01 0d 00 10 00 00 00 01", "ff ff ff ff", "ff ff", "ff ff"),
            .badLength(.packetOut), type: OFPET_BAD_REQUEST, code: OFPBRC_BAD_LEN)
    }

    @Test func packetOutActionsLengthNotWholeActions() {
        // actions_len 4 cuts the OUTPUT action in half.
        expectDecodeError(
            hex("01 0d 00 18 00 00 00 01", "ff ff ff ff", "ff ff", "00 04", "00 00 00 08 ff fb 00 00"),
            .badActionLength(8), type: OFPET_BAD_ACTION, code: OFPBAC_BAD_LEN)
    }

    @Test(arguments: [UInt16(5), 6, 0x0100, 0xFFFF])
    func flowModBadCommand(command: UInt16) {
        let bytes = hex("01 0e 00 48 00 00 00 01") + Fixture.matchAllBytes
            + hex("00 00 00 00 00 00 00 00") + [UInt8(command >> 8), UInt8(command & 0xFF)]
            + hex("00 00 00 00 80 00 ff ff ff ff ff ff 00 00")
        expectDecodeError(
            bytes, .badFlowModCommand(command), type: OFPET_FLOW_MOD_FAILED, code: OFPFMFC_BAD_COMMAND)
        #expect(FlowModCommand(rawValue: command).name == nil)
    }

    @Test func queueConfigReplyBadPropertyLengths() {
        let head = hex("01 15 00 00 00 00 00 01", "00 01 00 00 00 00 00 00")
        let bad: [[UInt8]] = [
            // MIN_RATE with length 8 (too short for the rate)
            hex("00 00 00 01 00 10 00 00", "00 01 00 08 00 00 00 00"),
            // MIN_RATE with length 24
            hex("00 00 00 01 00 20 00 00", "00 01 00 18 00 00 00 00 01 f4 00 00 00 00 00 00 00 00 00 00 00 00 00 00"),
            // MIN_RATE with length 12: not a multiple of 8
            hex("00 00 00 01 00 14 00 00", "00 01 00 0c 00 00 00 00 01 f4 00 00"),
            // NONE with length 16
            hex("00 00 00 01 00 18 00 00", "00 00 00 10 00 00 00 00 00 00 00 00 00 00 00 00"),
            // a property of length 0
            hex("00 00 00 01 00 10 00 00", "00 01 00 00 00 00 00 00"),
            // a property overrunning its queue
            hex("00 00 00 01 00 10 00 00", "00 01 00 10 00 00 00 00"),
            // a property header cut short by its queue
            hex("00 00 00 01 00 0c 00 00", "00 01 00 10"),
            // a queue shorter than its own header
            hex("00 00 00 01 00 04 00 00"),
            // a queue overrunning the message
            hex("00 00 00 01 00 20 00 00", "00 00 00 08 00 00 00 00"),
            // a queue header cut short
            hex("00 00 00 01 00 08"),
        ]
        for queue in bad {
            expectDecodeError(
                withLength(head + queue), .badLength(.queueGetConfigReply), type: OFPET_BAD_REQUEST, code: OFPBRC_BAD_LEN)
        }
    }
}
