import OpenFlow
import Testing
import Wire
import TestSupport

/// Golden bytes for the controller-to-switch configuration messages: FEATURES,
/// GET/SET_CONFIG, PORT_MOD and QUEUE_GET_CONFIG.
struct GoldenSwitchConfigurationTests {
    @Test func featuresRequest() {
        expectGolden(hex("01 05 00 08 00 00 00 12"), OpenFlowMessage(xid: 0x12, .featuresRequest))
    }

    @Test func featuresReplyWithTwoPorts() {
        let bytes = hex(
            "01 06 00 80 00 00 00 13",  // header, 32 + 2 * 48 = 128 bytes
            "00 00 12 34 56 78 9a bc",  // datapath_id
            "00 00 01 00",  // n_buffers 256
            "01 00 00 00",  // n_tables 1, pad[3]
            "00 00 00 c7",  // capabilities: FLOW|TABLE|PORT_STATS|QUEUE_STATS|ARP_MATCH_IP
            "00 00 0f ff")  // actions: bits 0...11
            + Fixture.port1Bytes + Fixture.portLocalBytes
        let features = SwitchFeatures(
            datapathID: 0x1234_5678_9ABC, bufferCount: 256, tableCount: 1,
            capabilities: [.flowStats, .tableStats, .portStats, .queueStats, .arpMatchIP],
            actions: 0x0FFF, ports: [Fixture.port1, Fixture.portLocal])
        expectGolden(bytes, OpenFlowMessage(xid: 0x13, .featuresReply(features)))
    }

    @Test func featuresReplyWithoutPorts() {
        let bytes = hex(
            "01 06 00 20 00 00 00 13", "ff ff ff ff ff ff ff ff", "00 00 00 00", "fe 00 00 00",
            "00 00 00 ff", "00 00 00 01")
        let features = SwitchFeatures(
            datapathID: .max, bufferCount: 0, tableCount: 254, capabilities: Capabilities(rawValue: 0xFF), actions: 1)
        expectGolden(bytes, OpenFlowMessage(xid: 0x13, .featuresReply(features)))
    }

    @Test func portNameFillingTheFieldLosesNoByte() {
        // 15 characters and the final NUL fill the 16-byte field.
        var port = Fixture.port1
        port.name = "abcdefghijklmno"
        var bytes = hex("01 0c 00 40 00 00 00 19", "00 00 00 00 00 00 00 00") + Fixture.port1Bytes
        let nameStart = 8 + 8 + 8
        bytes.replaceSubrange(nameStart..<nameStart + 16, with: hex("61 62 63 64 65 66 67 68 69 6a 6b 6c 6d 6e 6f 00"))
        expectGolden(bytes, OpenFlowMessage(xid: 0x19, .portStatus(PortStatus(reason: .add, port: port))))
    }

    @Test func getConfigRequestAndReply() {
        expectGolden(hex("01 07 00 08 00 00 00 14"), OpenFlowMessage(xid: 0x14, .getConfigRequest))
        expectGolden(
            hex("01 08 00 0c 00 00 00 15", "00 01", "00 80"),  // FRAG_DROP, miss_send_len 128
            OpenFlowMessage(xid: 0x15, .getConfigReply(SwitchConfig(flags: .fragDrop, missSendLength: 128))))
    }

    @Test func setConfig() {
        expectGolden(
            hex("01 09 00 0c 00 00 00 16", "00 02", "ff ff"),  // FRAG_REASM, miss_send_len 65535
            OpenFlowMessage(xid: 0x16, .setConfig(SwitchConfig(flags: .fragReassemble, missSendLength: 0xFFFF))))
        expectGolden(
            hex("01 09 00 0c 00 00 00 16", "00 00", "00 80"),
            OpenFlowMessage(xid: 0x16, .setConfig(SwitchConfig())))
        #expect(ConfigFlags(rawValue: 0x0006).fragmentHandling == .fragReassemble)
    }

    @Test func portMod() {
        let bytes = hex(
            "01 0f 00 20 00 00 00 1d",
            "00 01",  // port_no
            "02 00 00 00 00 01",  // hw_addr
            "00 00 00 10",  // config: NO_FLOOD
            "00 00 00 11",  // mask: PORT_DOWN|NO_FLOOD
            "00 00 00 20",  // advertise: 1GB_FD
            "00 00 00 00")  // pad[4]
        let mod = PortMod(
            portNumber: PortNumber(1), hardwareAddress: MACAddress(2, 0, 0, 0, 0, 1),
            config: .noFlood, mask: [.portDown, .noFlood], advertise: .rate1GbFD)
        expectGolden(bytes, OpenFlowMessage(xid: 0x1D, .portMod(mod)))
    }

    @Test func queueGetConfigRequest() {
        expectGolden(
            hex("01 14 00 0c 00 00 00 50", "00 01 00 00"),
            OpenFlowMessage(xid: 0x50, .queueGetConfigRequest(QueueGetConfigRequest(port: PortNumber(1)))))
    }

    @Test func queueGetConfigReplyWithMinRateAndNone() {
        let bytes = hex(
            "01 15 00 58 00 00 00 51",
            "00 01 00 00 00 00 00 00",  // port 1, pad[6]
            "00 00 00 01 00 18 00 00",  // queue 1, len 24
            "00 01 00 10 00 00 00 00 01 f4 00 00 00 00 00 00",  // MIN_RATE 500 (50%)
            "00 00 00 02 00 10 00 00",  // queue 2, len 16
            "00 00 00 08 00 00 00 00",  // NONE
            "00 00 00 03 00 08 00 00",  // queue 3, no properties
            "00 00 00 04 00 18 00 00",  // queue 4, len 24
            "ab cd 00 10 00 00 00 00 01 02 03 04 05 06 07 08")  // a type 1.0 lacks, kept
        let reply = QueueGetConfigReply(port: PortNumber(1), queues: [
            PacketQueue(queueID: 1, properties: [.minRate(500)]),
            PacketQueue(queueID: 2, properties: [.none]),
            PacketQueue(queueID: 3, properties: []),
            PacketQueue(queueID: 4, properties: [.unknown(type: 0xABCD, body: [1, 2, 3, 4, 5, 6, 7, 8])]),
        ])
        expectGolden(bytes, OpenFlowMessage(xid: 0x51, .queueGetConfigReply(reply)))
    }

    @Test func queueGetConfigReplyWithoutQueues() {
        expectGolden(
            hex("01 15 00 10 00 00 00 52", "ff fc 00 00 00 00 00 00"),
            OpenFlowMessage(xid: 0x52, .queueGetConfigReply(QueueGetConfigReply(port: .all, queues: []))))
    }
}
