import OpenFlow
import Testing
import Wire
import TestSupport

/// Golden bytes for the switch's asynchronous messages: PACKET_IN, FLOW_REMOVED and
/// PORT_STATUS.
struct GoldenAsyncMessageTests {
    @Test func packetInBuffered() {
        let frame = hex("ff ff ff ff ff ff 00 11 22 33 44 55 08 06 00 01")
        let bytes = hex(
            "01 0a 00 22 00 00 00 17",  // 18 + 16 bytes of frame
            "00 00 01 00",  // buffer_id 256
            "00 3c",  // total_len 60
            "00 02",  // in_port 2
            "01",  // reason ACTION
            "00")  // pad
            + frame
        let packetIn = PacketIn(bufferID: 256, totalLength: 60, inPort: PortNumber(2), reason: .action, data: frame[...])
        expectGolden(bytes, OpenFlowMessage(xid: 0x17, .packetIn(packetIn)))
    }

    @Test func packetInUnbufferedWithoutData() {
        let bytes = hex("01 0a 00 12 00 00 00 18", "ff ff ff ff", "00 00", "ff fe", "00", "00")
        let packetIn = PacketIn(bufferID: BufferID.none, totalLength: 0, inPort: .local, reason: .noMatch, data: [])
        expectGolden(bytes, OpenFlowMessage(xid: 0x18, .packetIn(packetIn)))
    }

    @Test func packetInUnknownReasonSurvives() {
        let bytes = hex("01 0a 00 13 00 00 00 18", "00 00 00 07", "00 01", "00 05", "09", "00", "aa")
        let packetIn = PacketIn(bufferID: 7, totalLength: 1, inPort: PortNumber(5), reason: PacketInReason(rawValue: 9), data: [0xAA])
        expectGolden(bytes, OpenFlowMessage(xid: 0x18, .packetIn(packetIn)))
    }

    @Test func flowRemoved() {
        let bytes = hex("01 0b 00 58 00 00 00 18")  // 88 bytes
            + Fixture.matchBytes
            + hex(
                "00 00 00 00 de ad be ef",  // cookie
                "80 00",  // priority
                "02",  // reason DELETE
                "00",  // pad
                "00 00 00 2a",  // duration_sec 42
                "1d cd 65 00",  // duration_nsec 500000000
                "00 3c",  // idle_timeout 60
                "00 00",  // pad2
                "00 00 00 00 00 00 03 e8",  // packet_count 1000
                "00 00 00 00 00 0f 42 40")  // byte_count 1000000
        let removed = FlowRemoved(
            match: Fixture.match, cookie: 0xDEAD_BEEF, priority: 0x8000, reason: .delete,
            durationSeconds: 42, durationNanoseconds: 500_000_000, idleTimeout: 60,
            packetCount: 1000, byteCount: 1_000_000)
        expectGolden(bytes, OpenFlowMessage(xid: 0x18, .flowRemoved(removed)))
    }

    @Test(arguments: [(UInt8(0), FlowRemovedReason.idleTimeout), (1, .hardTimeout), (2, .delete)])
    func flowRemovedReasons(raw: UInt8, reason: FlowRemovedReason) {
        let bytes = hex("01 0b 00 58 12 34 56 78") + Fixture.matchAllBytes
            + hex("ff ff ff ff ff ff ff ff", "00 01") + [raw] + hex("00", "ff ff ff ff", "3b 9a c9 ff", "ff ff", "00 00")
            + hex("ff ff ff ff ff ff ff ff", "80 00 00 00 00 00 00 00")
        let removed = FlowRemoved(
            match: Fixture.matchAll, cookie: .max, priority: 1, reason: reason,
            durationSeconds: .max, durationNanoseconds: 999_999_999, idleTimeout: .max,
            packetCount: .max, byteCount: 1 << 63)
        expectGolden(bytes, OpenFlowMessage(xid: 0x1234_5678, .flowRemoved(removed)))
    }

    @Test(arguments: [(UInt8(0), PortReason.add), (1, .delete), (2, .modify)])
    func portStatus(raw: UInt8, reason: PortReason) {
        let bytes = hex("01 0c 00 40 00 00 00 19") + [raw] + zeros(7) + Fixture.port1Bytes
        expectGolden(bytes, OpenFlowMessage(xid: 0x19, .portStatus(PortStatus(reason: reason, port: Fixture.port1))))
    }
}
