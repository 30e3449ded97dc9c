import OpenFlow
import Testing
import Wire
import TestSupport

/// Golden bytes for STATS_REPLY of every type, with several entries where the type
/// has entries, and with REPLY_MORE.
struct GoldenStatsReplyTests {
    @Test func desc() {
        let bytes = hex("01 11 04 2c 00 00 00 30", "00 00", "00 00")  // 12 + 1056 = 1068
            + asciiField("Nicira, Inc.", width: 256)
            + asciiField("Open vSwitch", width: 256)
            + asciiField("2.17.9", width: 256)
            + asciiField("None", width: 32)
            + asciiField("br0", width: 256)
        let desc = DescStats(
            manufacturer: "Nicira, Inc.", hardware: "Open vSwitch", software: "2.17.9",
            serialNumber: "None", datapath: "br0")
        expectGolden(bytes, OpenFlowMessage(xid: 0x30, .statsReply(StatsReply(.desc(desc)))))
    }

    static let flowEntry1Bytes = hex("00 60", "00", "00")  // length 96, table 0, pad
        + Fixture.matchBytes
        + hex(
            "00 00 00 0a",  // duration_sec
            "00 00 00 00",  // duration_nsec
            "80 00",  // priority
            "00 00",  // idle_timeout
            "00 00",  // hard_timeout
            "00 00 00 00 00 00",  // pad2[6]
            "00 00 00 00 00 00 00 01",  // cookie
            "00 00 00 00 00 00 00 05",  // packet_count
            "00 00 00 00 00 00 01 2c",  // byte_count 300
            "00 00 00 08 00 01 00 00")  // OUTPUT port 1
    static let flowEntry1 = FlowStats(
        tableID: 0, match: Fixture.match, durationSeconds: 10, durationNanoseconds: 0, priority: 0x8000,
        idleTimeout: 0, hardTimeout: 0, cookie: 1, packetCount: 5, byteCount: 300,
        actions: [.output(port: PortNumber(1))])
    static let flowEntry2Bytes = hex("00 58", "01", "00")  // length 88, table 1, no actions
        + Fixture.matchAllBytes
        + hex(
            "00 00 00 01", "00 00 00 02", "00 00", "00 0a", "00 14", "00 00 00 00 00 00",
            "ff ff ff ff ff ff ff ff", "00 00 00 00 00 00 00 00", "00 00 00 00 00 00 00 00")
    static let flowEntry2 = FlowStats(
        tableID: 1, match: Fixture.matchAll, durationSeconds: 1, durationNanoseconds: 2, priority: 0,
        idleTimeout: 10, hardTimeout: 20, cookie: .max, packetCount: 0, byteCount: 0, actions: [])

    @Test func flowWithTwoEntriesAndReplyMore() {
        let bytes = hex("01 11 00 c4 00 00 00 31", "00 01", "00 01")  // 12 + 96 + 88 = 196, REPLY_MORE
            + Self.flowEntry1Bytes + Self.flowEntry2Bytes
        expectGolden(
            bytes,
            OpenFlowMessage(xid: 0x31, .statsReply(StatsReply(.flow([Self.flowEntry1, Self.flowEntry2]), flags: .replyMore))))
    }

    @Test func flowEntryWithEveryAction() {
        var entryBytes = Self.flowEntry2Bytes + Fixture.everyActionBytes
        entryBytes[0] = 0x00
        entryBytes[1] = 0xE0  // 88 + 136 = 224
        let bytes = hex("01 11 00 ec 00 00 00 31", "00 01", "00 00") + entryBytes  // 12 + 224 = 236
        var entry = Self.flowEntry2
        entry.actions = Fixture.everyAction
        expectGolden(bytes, OpenFlowMessage(xid: 0x31, .statsReply(StatsReply(.flow([entry])))))
    }

    @Test func flowWithoutEntries() {
        expectGolden(
            hex("01 11 00 0c 00 00 00 32", "00 01", "00 00"),
            OpenFlowMessage(xid: 0x32, .statsReply(StatsReply(.flow([])))))
    }

    @Test func aggregate() {
        let bytes = hex(
            "01 11 00 24 00 00 00 33", "00 02", "00 00",
            "00 00 00 00 00 00 00 64",  // packet_count 100
            "00 00 00 00 00 00 27 10",  // byte_count 10000
            "00 00 00 03",  // flow_count
            "00 00 00 00")  // pad
        expectGolden(
            bytes,
            OpenFlowMessage(xid: 0x33, .statsReply(StatsReply(.aggregate(AggregateStats(packetCount: 100, byteCount: 10_000, flowCount: 3))))))
    }

    @Test func tableWithTwoEntries() {
        let bytes = hex("01 11 00 8c 00 00 00 34", "00 03", "00 01")  // 12 + 2 * 64 = 140, REPLY_MORE
            + hex("00", "00 00 00") + asciiField("classifier", width: 32)
            + hex("00 3f ff ff", "00 10 00 00", "00 00 00 05", "00 00 00 00 00 00 04 00", "00 00 00 00 00 00 03 00")
            + hex("fe", "00 00 00") + asciiField("emergency", width: 32)
            + hex("00 00 00 00", "00 00 00 01", "00 00 00 00", "ff ff ff ff ff ff ff ff", "00 00 00 00 00 00 00 00")
        let tables = [
            TableStats(
                tableID: 0, name: "classifier", wildcards: .all, maxEntries: 0x10_0000, activeCount: 5,
                lookupCount: 1024, matchedCount: 768),
            TableStats(
                tableID: 0xFE, name: "emergency", wildcards: .exact, maxEntries: 1, activeCount: 0,
                lookupCount: .max, matchedCount: 0),
        ]
        expectGolden(bytes, OpenFlowMessage(xid: 0x34, .statsReply(StatsReply(.table(tables), flags: .replyMore))))
    }

    @Test func portWithTwoEntries() {
        var first = PortStats(portNumber: PortNumber(1))
        first.rxPackets = 1
        first.txPackets = 2
        first.rxBytes = 3
        first.txBytes = 4
        first.rxDropped = 5
        first.txDropped = 6
        first.rxErrors = 7
        first.txErrors = 8
        first.rxFrameErrors = 9
        first.rxOverErrors = 10
        first.rxCRCErrors = 11
        first.collisions = 12
        var second = PortStats(portNumber: .local)
        second.rxPackets = 0x0102_0304_0506_0708
        second.collisions = .max  // "not available"
        let bytes = hex("01 11 00 dc 00 00 00 35", "00 04", "00 00")  // 12 + 2 * 104 = 220
            + hex("00 01", "00 00 00 00 00 00")
            + hex(
                "00 00 00 00 00 00 00 01", "00 00 00 00 00 00 00 02", "00 00 00 00 00 00 00 03",
                "00 00 00 00 00 00 00 04", "00 00 00 00 00 00 00 05", "00 00 00 00 00 00 00 06",
                "00 00 00 00 00 00 00 07", "00 00 00 00 00 00 00 08", "00 00 00 00 00 00 00 09",
                "00 00 00 00 00 00 00 0a", "00 00 00 00 00 00 00 0b", "00 00 00 00 00 00 00 0c")
            + hex("ff fe", "00 00 00 00 00 00", "01 02 03 04 05 06 07 08") + zeros(80) + hex("ff ff ff ff ff ff ff ff")
        expectGolden(bytes, OpenFlowMessage(xid: 0x35, .statsReply(StatsReply(.port([first, second])))))
    }

    @Test func queueWithTwoEntries() {
        let bytes = hex("01 11 00 4c 00 00 00 36", "00 05", "00 00")  // 12 + 2 * 32 = 76
            + hex("00 01", "00 00", "00 00 00 00", "00 00 00 00 00 00 10 00", "00 00 00 00 00 00 00 10", "00 00 00 00 00 00 00 00")
            + hex("00 02", "00 00", "00 00 00 01", "00 00 00 00 00 00 00 40", "00 00 00 00 00 00 00 01", "00 00 00 00 00 00 00 02")
        let queues = [
            QueueStats(portNumber: PortNumber(1), queueID: 0, txBytes: 4096, txPackets: 16, txErrors: 0),
            QueueStats(portNumber: PortNumber(2), queueID: 1, txBytes: 64, txPackets: 1, txErrors: 2),
        ]
        expectGolden(bytes, OpenFlowMessage(xid: 0x36, .statsReply(StatsReply(.queue(queues)))))
    }

    @Test func emptyEntryLists() {
        expectGolden(hex("01 11 00 0c 00 00 00 37", "00 03", "00 00"), OpenFlowMessage(xid: 0x37, .statsReply(StatsReply(.table([])))))
        expectGolden(hex("01 11 00 0c 00 00 00 37", "00 04", "00 00"), OpenFlowMessage(xid: 0x37, .statsReply(StatsReply(.port([])))))
        expectGolden(hex("01 11 00 0c 00 00 00 37", "00 05", "00 01"), OpenFlowMessage(xid: 0x37, .statsReply(StatsReply(.queue([]), flags: .replyMore))))
    }

    @Test func vendor() {
        expectGolden(
            hex("01 11 00 15 00 00 00 38", "ff ff", "00 00", "00 00 23 20", "01 02 03 04 05"),
            OpenFlowMessage(xid: 0x38, .statsReply(StatsReply(.vendor(vendor: 0x2320, body: [1, 2, 3, 4, 5])))))
    }
}
