import OpenFlow
import Testing
import TestSupport

/// Rejections decided by the header: version, type and length.
struct HeaderValidationTests {
    @Test(arguments: [UInt8(0x00), 0x02, 0x04, 0x97, 0xFF])
    func badVersionOnAnythingButHello(version: UInt8) {
        expectDecodeError(
            [version] + hex("05 00 08 00 00 00 01"), .badVersion(version),
            type: OFPET_BAD_REQUEST, code: OFPBRC_BAD_VERSION)
        expectDecodeError(
            [version] + hex("02 00 0c 00 00 00 01 01 02 03 04"), .badVersion(version),
            type: OFPET_BAD_REQUEST, code: OFPBRC_BAD_VERSION)
    }

    @Test(arguments: [UInt8(22), 23, 0x63, 0xFF])
    func unknownType(raw: UInt8) {
        expectDecodeError(
            [0x01, raw] + hex("00 08 00 00 00 01"), .badType(MessageType(rawValue: raw)),
            type: OFPET_BAD_REQUEST, code: OFPBRC_BAD_TYPE)
        expectDecodeError(
            [0x01, raw] + hex("00 0c 00 00 00 01 00 00 00 00"), .badType(MessageType(rawValue: raw)),
            type: OFPET_BAD_REQUEST, code: OFPBRC_BAD_TYPE)
        #expect(MessageType(rawValue: raw).specName == nil)
    }

    @Test func messageTypeNumbers() {
        let names = [
            "OFPT_HELLO", "OFPT_ERROR", "OFPT_ECHO_REQUEST", "OFPT_ECHO_REPLY", "OFPT_VENDOR",
            "OFPT_FEATURES_REQUEST", "OFPT_FEATURES_REPLY", "OFPT_GET_CONFIG_REQUEST",
            "OFPT_GET_CONFIG_REPLY", "OFPT_SET_CONFIG", "OFPT_PACKET_IN", "OFPT_FLOW_REMOVED",
            "OFPT_PORT_STATUS", "OFPT_PACKET_OUT", "OFPT_FLOW_MOD", "OFPT_PORT_MOD",
            "OFPT_STATS_REQUEST", "OFPT_STATS_REPLY", "OFPT_BARRIER_REQUEST", "OFPT_BARRIER_REPLY",
            "OFPT_QUEUE_GET_CONFIG_REQUEST", "OFPT_QUEUE_GET_CONFIG_REPLY",
        ]
        for (raw, name) in names.enumerated() {
            #expect(MessageType(rawValue: UInt8(raw)).specName == name)
        }
        let types: [MessageType] = [
            .hello, .error, .echoRequest, .echoReply, .vendor, .featuresRequest, .featuresReply,
            .getConfigRequest, .getConfigReply, .setConfig, .packetIn, .flowRemoved, .portStatus,
            .packetOut, .flowMod, .portMod, .statsRequest, .statsReply, .barrierRequest,
            .barrierReply, .queueGetConfigRequest, .queueGetConfigReply,
        ]
        #expect(types.map(\.rawValue) == Array(0...21))
    }

    @Test func badVersionIsCheckedBeforeType() {
        expectDecodeError(hex("02 63 00 08 00 00 00 01"), .badVersion(2), type: OFPET_BAD_REQUEST, code: OFPBRC_BAD_VERSION)
    }

    @Test(arguments: [UInt16(0), 1, 7])
    func headerLengthBelowEightIsStreamFatal(length: UInt16) {
        expectDecodeError(
            hex("01 00") + [UInt8(length >> 8), UInt8(length & 0xFF)] + hex("00 00 00 01"),
            .badHeaderLength(length), type: OFPET_BAD_REQUEST, code: OFPBRC_BAD_LEN, fatal: true)
    }

    @Test func fewerThanEightBytes() {
        expectDecodeError([], .badHeaderLength(0), type: OFPET_BAD_REQUEST, code: OFPBRC_BAD_LEN, fatal: true)
        expectDecodeError(hex("01 00 00 08 00"), .badHeaderLength(5), type: OFPET_BAD_REQUEST, code: OFPBRC_BAD_LEN, fatal: true)
    }

    @Test func headerLengthDisagreesWithTheBytes() {
        // Says 12, has 8: the message is short.
        expectDecodeError(hex("01 02 00 0c 00 00 00 01"), .badLength(.echoRequest), type: OFPET_BAD_REQUEST, code: OFPBRC_BAD_LEN)
        // Says 8, has 12: the caller handed more than one message.
        expectDecodeError(
            hex("01 02 00 08 00 00 00 01 de ad be ef"), .badLength(.echoRequest), type: OFPET_BAD_REQUEST, code: OFPBRC_BAD_LEN)
        // The same on a fixed-size message.
        expectDecodeError(hex("01 12 00 10 00 00 00 01"), .badLength(.barrierRequest), type: OFPET_BAD_REQUEST, code: OFPBRC_BAD_LEN)
    }

    @Test func encodingErrorHasNoWireCode() {
        #expect(OpenFlowError.bufferTooSmall.errorCode == nil)
        #expect(!OpenFlowError.bufferTooSmall.isStreamFatal)
        #expect(OpenFlowError.bufferTooSmall.specName == "buffer too small")
        #expect(OpenFlowError.badLength(.flowMod).specName == "OFPET_BAD_REQUEST OFPBRC_BAD_LEN")
    }
}
