import Controller
import ControllerREST
import Testing

/// The topology paths' dpids and an empty topology, as Ryu's rest_topology has them.
struct TopologyJSONTests {
    @Test func dpidsAreHex() {
        #expect(TopologyJSON.datapath(parsing: "0000000000000001") == DatapathID(1))
        #expect(TopologyJSON.datapath(parsing: "ff") == DatapathID(255))
        #expect(TopologyJSON.datapath(parsing: "") == nil)
        #expect(TopologyJSON.datapath(parsing: "xyz") == nil)
        #expect(TopologyJSON.datapath(parsing: "00000000000000001") == nil)
    }

    @Test func emptyTopologyListsNothing() {
        let topology = Topology()
        #expect(TopologyJSON.switches(topology).isEmpty)
        #expect(TopologyJSON.links(topology).isEmpty)
        #expect(TopologyJSON.hosts(topology, only: DatapathID(1)).isEmpty)
    }
}
