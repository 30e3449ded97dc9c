import OpenFlow
import Testing
import Wire
import TestSupport

/// Golden bytes for PACKET_OUT, with a buffered packet and with the frame inline.
struct GoldenPacketOutTests {
    @Test func withBufferID() {
        let bytes = hex(
            "01 0d 00 18 00 00 00 1a",
            "00 00 01 00",  // buffer_id 256
            "00 01",  // in_port 1
            "00 08",  // actions_len 8
            "00 00 00 08 ff fb 00 00")  // OUTPUT FLOOD
        let out = PacketOut(bufferID: 256, inPort: PortNumber(1), actions: [.output(port: .flood)])
        expectGolden(bytes, OpenFlowMessage(xid: 0x1A, .packetOut(out)))
    }

    @Test func withData() {
        let frame = hex("66 77 88 99 aa bb 00 11 22 33 44 55 88 cc")
        let bytes = hex(
            "01 0d 00 2e 00 00 00 1b",  // 8 + 8 + 16 + 14 = 46
            "ff ff ff ff",  // buffer_id none
            "ff ff",  // in_port NONE
            "00 10",  // actions_len 16
            "00 01 00 08 00 05 00 00",  // SET_VLAN_VID 5
            "00 00 00 08 ff fd 00 80")  // OUTPUT CONTROLLER, max_len 128
            + frame
        let out = PacketOut(
            bufferID: BufferID.none, inPort: .none,
            actions: [.setVLANVID(5), .output(port: .controller, maxLength: 128)], data: frame[...])
        expectGolden(bytes, OpenFlowMessage(xid: 0x1B, .packetOut(out)))
    }

    @Test func withoutActionsDrops() {
        let bytes = hex("01 0d 00 11 00 00 00 1c", "ff ff ff ff", "00 03", "00 00", "ee")
        let out = PacketOut(inPort: PortNumber(3), actions: [], data: [0xEE])
        expectGolden(bytes, OpenFlowMessage(xid: 0x1C, .packetOut(out)))
    }

    @Test func withEveryAction() {
        let bytes = hex("01 0d 00 98 00 00 00 1d", "00 00 00 09", "ff f8", "00 88")  // 16 + 136
            + Fixture.everyActionBytes
        let out = PacketOut(bufferID: 9, inPort: .inPort, actions: Fixture.everyAction)
        expectGolden(bytes, OpenFlowMessage(xid: 0x1D, .packetOut(out)))
    }
}
