import OpenFlow
import Testing
import TestSupport

/// Stats of an unknown type (OFPBRC_BAD_STAT) and stats bodies that do not fit their
/// type (OFPBRC_BAD_LEN).
struct StatsValidationTests {
    @Test(arguments: [UInt16(6), 7, 0x0100, 0xFFFE])
    func unknownStatsType(raw: UInt16) {
        let typeBytes = [UInt8(raw >> 8), UInt8(raw & 0xFF)]
        expectDecodeError(
            hex("01 10 00 0c 00 00 00 01") + typeBytes + hex("00 00"), .badStatsType(raw),
            type: OFPET_BAD_REQUEST, code: OFPBRC_BAD_STAT)
        expectDecodeError(
            hex("01 11 00 14 00 00 00 01") + typeBytes + hex("00 00 00 00 00 00 00 00 00 00"), .badStatsType(raw),
            type: OFPET_BAD_REQUEST, code: OFPBRC_BAD_STAT)
    }

    @Test func requestBodiesOfTheWrongSize() {
        let bad: [[UInt8]] = [
            hex("01 10 00 10 00 00 00 01", "00 00 00 00", "00 00 00 00"),  // DESC with a body
            hex("01 10 00 10 00 00 00 01", "00 03 00 00", "00 00 00 00"),  // TABLE with a body
            hex("01 10 00 37 00 00 00 01", "00 01 00 00") + Fixture.matchAllBytes + hex("ff 00 ff"),  // FLOW, 43
            hex("01 10 00 39 00 00 00 01", "00 02 00 00") + Fixture.matchAllBytes + hex("ff 00 ff ff 00"),  // AGGREGATE, 45
            hex("01 10 00 12 00 00 00 01", "00 04 00 00", "ff ff 00 00 00 00"),  // PORT, 6
            hex("01 10 00 18 00 00 00 01", "00 04 00 00", "ff ff 00 00 00 00 00 00 00 00 00 00"),  // PORT, 12
            hex("01 10 00 13 00 00 00 01", "00 05 00 00", "ff fc 00 00 ff ff ff"),  // QUEUE, 7
            hex("01 10 00 0e 00 00 00 01", "ff ff 00 00", "00 00"),  // VENDOR without a vendor id
        ]
        for bytes in bad {
            expectDecodeError(bytes, .badLength(.statsRequest), type: OFPET_BAD_REQUEST, code: OFPBRC_BAD_LEN)
        }
    }

    @Test func replyEntriesNotAMultipleOfTheEntrySize() {
        let cases: [(UInt8, Int)] = [
            (3, 64 + 1), (3, 63), (3, 129),  // TABLE: 64-byte entries
            (4, 103), (4, 105), (4, 104 * 2 - 1),  // PORT: 104
            (5, 31), (5, 33), (5, 32 * 3 + 8),  // QUEUE: 32
        ]
        for (type, bodyLength) in cases {
            let bytes = withLength(hex("01 11 00 00 00 00 00 01", "00") + [type] + hex("00 00") + zeros(bodyLength))
            expectDecodeError(bytes, .badLength(.statsReply), type: OFPET_BAD_REQUEST, code: OFPBRC_BAD_LEN)
        }
    }

    @Test func fixedReplyBodiesOfTheWrongSize() {
        let cases: [(UInt8, Int)] = [
            (0, 1055), (0, 1057), (0, 0),  // DESC: 1056
            (2, 23), (2, 25), (2, 0),  // AGGREGATE: 24
            (0xFF, 3),  // VENDOR: at least the vendor id
        ]
        for (type, bodyLength) in cases {
            let typeBytes: [UInt8] = type == 0xFF ? [0xFF, 0xFF] : [0, type]
            let bytes = withLength(hex("01 11 00 00 00 00 00 01") + typeBytes + hex("00 00") + zeros(bodyLength))
            expectDecodeError(bytes, .badLength(.statsReply), type: OFPET_BAD_REQUEST, code: OFPBRC_BAD_LEN)
        }
    }

    @Test func flowEntryLengths() {
        func reply(_ entry: [UInt8]) -> [UInt8] { withLength(hex("01 11 00 00 00 00 00 01", "00 01 00 00") + entry) }
        let body = Fixture.matchAllBytes + zeros(44)
        // Below the 88-byte fixed part.
        expectDecodeError(reply(hex("00 50 00 00") + body), .badLength(.statsReply), type: OFPET_BAD_REQUEST, code: OFPBRC_BAD_LEN)
        expectDecodeError(reply(hex("00 00 00 00") + body), .badLength(.statsReply), type: OFPET_BAD_REQUEST, code: OFPBRC_BAD_LEN)
        // Longer than what is left.
        expectDecodeError(reply(hex("00 60 00 00") + body), .badLength(.statsReply), type: OFPET_BAD_REQUEST, code: OFPBRC_BAD_LEN)
        // Cut inside the fixed part.
        expectDecodeError(
            reply(hex("00 58 00 00") + Array(body.prefix(50))), .badLength(.statsReply),
            type: OFPET_BAD_REQUEST, code: OFPBRC_BAD_LEN)
        // A lone byte after a good entry.
        expectDecodeError(
            reply(hex("00 58 00 00") + body + [0]), .badLength(.statsReply), type: OFPET_BAD_REQUEST, code: OFPBRC_BAD_LEN)
    }
}
