import ControllerREST
import Foundation
import OpenFlow
import Testing
import Wire

/// Stats replies as ofctl_rest's JSON: Ryu's key sets, and JSON that serializes.
struct OfctlStatsTests {
    @Test func flowEntryHasRyusKeys() throws {
        let flow = FlowStats(
            tableID: 0, match: Match(wildcards: Wildcards.all.subtracting(.inPort), inPort: PortNumber(1)),
            durationSeconds: 3, durationNanoseconds: 5, priority: 100, idleTimeout: 0, hardTimeout: 0,
            cookie: .max, packetCount: 7, byteCount: 700, actions: [.output(port: PortNumber(2))])
        let entries = OfctlStats.flows([flow, flow], priority: nil)
        #expect(entries.count == 2)
        #expect(Set(entries[0].keys) == [
            "priority", "cookie", "idle_timeout", "hard_timeout", "actions", "match", "byte_count",
            "duration_sec", "duration_nsec", "packet_count", "table_id",
        ])
        #expect(entries[0]["actions"] as? [String] == ["OUTPUT:2"])
        #expect(OfctlStats.flows([flow], priority: 99).isEmpty)
        let data = try JSONSerialization.data(withJSONObject: ["1": entries], options: [.sortedKeys])
        #expect(String(decoding: data, as: UTF8.self).contains(#""cookie":18446744073709551615"#))
    }

    @Test func portAndDescriptionKeys() {
        let port = PortStats(portNumber: .local)
        let entry = OfctlStats.ports([port])[0]
        #expect(entry["port_no"] as? String == "LOCAL")
        #expect(entry.keys.count == 13)
        let desc = OfctlStats.desc(DescStats(manufacturer: "m", hardware: "h", software: "s", serialNumber: "n", datapath: "d"))
        #expect(Set(desc.keys) == ["mfr_desc", "hw_desc", "sw_desc", "serial_num", "dp_desc"])
        let aggregate = OfctlStats.aggregate(AggregateStats(packetCount: 1, byteCount: 2, flowCount: 3))
        #expect(Set(aggregate[0].keys) == ["packet_count", "byte_count", "flow_count"])
    }
}
