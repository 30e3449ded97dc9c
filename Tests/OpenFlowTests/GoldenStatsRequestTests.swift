import OpenFlow
import Testing
import Wire
import TestSupport

/// Golden bytes for STATS_REQUEST of every type.
struct GoldenStatsRequestTests {
    @Test func desc() {
        expectGolden(
            hex("01 10 00 0c 00 00 00 20", "00 00", "00 00"),
            OpenFlowMessage(xid: 0x20, .statsRequest(StatsRequest(.desc))))
    }

    @Test func flow() {
        let bytes = hex("01 10 00 38 00 00 00 21", "00 01", "00 00")  // 12 + 44
            + Fixture.matchAllBytes
            + hex("ff", "00", "ff ff")  // table_id all, pad, out_port NONE
        expectGolden(bytes, OpenFlowMessage(xid: 0x21, .statsRequest(StatsRequest(.flow(FlowStatsRequest())))))
    }

    @Test func aggregate() {
        let bytes = hex("01 10 00 38 00 00 00 22", "00 02", "00 00")
            + Fixture.matchBytes
            + hex("00", "00", "00 03")  // table 0, pad, out_port 3
        let request = FlowStatsRequest(match: Fixture.match, tableID: 0, outPort: PortNumber(3))
        expectGolden(bytes, OpenFlowMessage(xid: 0x22, .statsRequest(StatsRequest(.aggregate(request)))))
    }

    @Test func table() {
        expectGolden(
            hex("01 10 00 0c 00 00 00 23", "00 03", "00 00"),
            OpenFlowMessage(xid: 0x23, .statsRequest(StatsRequest(.table))))
    }

    @Test func port() {
        expectGolden(
            hex("01 10 00 14 00 00 00 24", "00 04", "00 00", "ff ff", "00 00 00 00 00 00"),
            OpenFlowMessage(xid: 0x24, .statsRequest(StatsRequest(.port(.none)))))
        expectGolden(
            hex("01 10 00 14 00 00 00 24", "00 04", "00 00", "00 07", "00 00 00 00 00 00"),
            OpenFlowMessage(xid: 0x24, .statsRequest(StatsRequest(.port(PortNumber(7))))))
    }

    @Test func queue() {
        expectGolden(
            hex("01 10 00 14 00 00 00 25", "00 05", "00 00", "ff fc", "00 00", "ff ff ff ff"),
            OpenFlowMessage(xid: 0x25, .statsRequest(StatsRequest(.queue(port: .all, queueID: QueueID.all)))))
        expectGolden(
            hex("01 10 00 14 00 00 00 25", "00 05", "00 00", "00 02", "00 00", "00 00 00 01"),
            OpenFlowMessage(xid: 0x25, .statsRequest(StatsRequest(.queue(port: PortNumber(2), queueID: 1)))))
    }

    @Test func vendor() {
        expectGolden(
            hex("01 10 00 18 00 00 00 26", "ff ff", "00 00", "00 00 23 20", "00 00 00 01 02 03 04 05"),
            OpenFlowMessage(xid: 0x26, .statsRequest(StatsRequest(.vendor(vendor: 0x2320, body: [0, 0, 0, 1, 2, 3, 4, 5])))))
        expectGolden(
            hex("01 10 00 10 00 00 00 26", "ff ff", "00 00", "00 00 23 20"),
            OpenFlowMessage(xid: 0x26, .statsRequest(StatsRequest(.vendor(vendor: 0x2320, body: [])))))
    }

    @Test func requestFlagsAreKept() {
        expectGolden(
            hex("01 10 00 0c 00 00 00 27", "00 00", "ab cd"),
            OpenFlowMessage(xid: 0x27, .statsRequest(StatsRequest(.desc, flags: 0xABCD))))
    }

    @Test func statsTypeNames() {
        let names: [(StatsType, UInt16, String)] = [
            (.desc, 0, "OFPST_DESC"), (.flow, 1, "OFPST_FLOW"), (.aggregate, 2, "OFPST_AGGREGATE"),
            (.table, 3, "OFPST_TABLE"), (.port, 4, "OFPST_PORT"), (.queue, 5, "OFPST_QUEUE"),
            (.vendor, 0xFFFF, "OFPST_VENDOR"),
        ]
        for (type, raw, name) in names {
            #expect(type.rawValue == raw)
            #expect(type.specName == name)
        }
        #expect(StatsType(rawValue: 6).specName == nil)
    }
}
