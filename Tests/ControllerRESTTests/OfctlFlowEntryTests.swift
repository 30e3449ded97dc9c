import Controller
import ControllerREST
import Foundation
import OpenFlow
import Testing
import Wire

/// Flow entry bodies and actions, as `ofctl_v1_0.mod_flow_entry` reads them.
struct OfctlFlowEntryTests {
    @Test func addBodyBecomesAFlowMod() throws {
        let body = try OfctlMatchTests.json("""
            {"dpid": 1, "priority": 100, "cookie": 18446744073709551615, "idle_timeout": 30, "hard_timeout": "60",
             "match": {"in_port": 1, "dl_dst": "00:00:00:00:00:02"},
             "actions": [{"type": "OUTPUT", "port": 2}, {"type": "SET_NW_DST", "nw_dst": "10.0.8.9"}, {"type": "STRIP_VLAN"}]}
            """)
        let (datapath, flowMod) = try OfctlFlowEntry.flowMod(body, command: .add)
        #expect(datapath == DatapathID(1))
        #expect(flowMod.command == .add)
        #expect(flowMod.priority == 100)
        #expect(flowMod.cookie == .max)
        #expect(flowMod.idleTimeout == 30)
        #expect(flowMod.hardTimeout == 60)
        #expect(flowMod.bufferID == BufferID.none)
        #expect(flowMod.outPort == .none)
        #expect(flowMod.match.inPort == PortNumber(1))
        #expect(flowMod.actions == [
            .output(port: PortNumber(2), maxLength: 0xFFE5), .setNWDst(IPv4Address(10, 0, 8, 9)), .stripVLAN,
        ])
    }

    @Test func defaultsAreRyus() throws {
        let (_, flowMod) = try OfctlFlowEntry.flowMod(try OfctlMatchTests.json(#"{"dpid": "2"}"#), command: .deleteStrict)
        #expect(flowMod.priority == FlowMod.defaultPriority)
        #expect(flowMod.match == Match())
        #expect(flowMod.actions.isEmpty)
        #expect(flowMod.command == .deleteStrict)
    }

    @Test(arguments: [
        (#"{"priority": 1}"#, "dpid"),
        (#"{"dpid": -1}"#, "dpid"),
        (#"{"dpid": 1, "priority": 65536}"#, "priority"),
        (#"{"dpid": 1, "actions": {"type": "OUTPUT"}}"#, "actions"),
        (#"{"dpid": 1, "actions": [{"type": "JUMP"}]}"#, "actions[0].type"),
        (#"{"dpid": 1, "actions": [{"port": 1}]}"#, "actions[0].type"),
        (#"{"dpid": 1, "actions": [{"type": "SET_DL_SRC", "dl_src": "x"}]}"#, "actions[0].dl_src"),
        (#"{"dpid": 1, "match": {"tp_dst": "http"}}"#, "match.tp_dst"),
        (#""text""#, "body"),
    ])
    func badBodiesNameTheField(text: String, field: String) throws {
        #expect {
            try OfctlFlowEntry.flowMod(try OfctlMatchTests.json(text), command: .add)
        } throws: { error in
            guard case .badRequest(let message) = error as? RESTError else { return false }
            return message.hasPrefix(field + ":")
        }
    }

    @Test func actionsAreWrittenAsRyusStrings() {
        let actions: [Action] = [
            .output(port: PortNumber(2)), .output(port: .controller, maxLength: 128), .setVLANVID(5), .stripVLAN,
            .setDLSrc(MACAddress(0, 0, 0, 0, 0, 1)), .setNWSrc(IPv4Address(10, 0, 8, 1)), .setTPDst(80),
            .enqueue(port: PortNumber(3), queueID: 7),
        ]
        #expect(actions.map(OfctlAction.text) == [
            "OUTPUT:2", "OUTPUT:CONTROLLER", "SET_VLAN_VID:5", "STRIP_VLAN", "SET_DL_SRC:00:00:00:00:00:01",
            "SET_NW_SRC:10.0.8.1", "SET_TP_DST:80", "ENQUEUE:3:7",
        ])
    }

    @Test func flowQueryFiltersByPriority() throws {
        let (request, priority) = try OfctlFlowEntry.flowQuery(
            try OfctlMatchTests.json(#"{"match": {"in_port": 1}, "table_id": 0, "out_port": 2, "priority": 100}"#))
        #expect(request.match.inPort == PortNumber(1))
        #expect(request.tableID == 0)
        #expect(request.outPort == PortNumber(2))
        #expect(priority == 100)
        let none = try OfctlFlowEntry.flowQuery(nil)
        #expect(none.0 == FlowStatsRequest())
        #expect(none.priority == nil)
    }
}

/// Port modify bodies, as ofctl_rest's `mod_port_behavior` reads them.
struct OfctlPortModTests {
    @Test func bodyBecomesAPortModForTheRegistrysPort() throws {
        let body = try OfctlMatchTests.json(#"{"dpid": 1, "port_no": 3, "config": 16, "mask": 17}"#)
        let request = try OfctlPortMod.parse(body)
        #expect(request.datapath == DatapathID(1))
        #expect(request.port == PortNumber(3))
        #expect(request.config == PortConfig(rawValue: 16))
        #expect(request.mask == PortConfig(rawValue: 17))
        #expect(request.advertise == nil)
        let port = PhyPort(
            portNumber: PortNumber(3), hardwareAddress: MACAddress(rawValue: 0x0200_0000_0003), name: "eth3",
            advertised: PortFeatures.rate1GbFD)
        let message = request.message(for: port)
        #expect(message.hardwareAddress == port.hardwareAddress)
        #expect(message.advertise == PortFeatures.rate1GbFD)
    }

    @Test func missingOrBadFieldsAreNamed() throws {
        for (text, field) in [
            (#"{"port_no": 3}"#, "dpid"), (#"{"dpid": 1}"#, "port_no"), (#"{"dpid": 1, "port_no": 3, "config": "x"}"#, "config"),
            (#"{"dpid": 1, "port_no": 70000}"#, "port_no"),
        ] {
            #expect {
                _ = try OfctlPortMod.parse(try OfctlMatchTests.json(text))
            } throws: { error in
                guard case .badRequest(let message) = error as? RESTError else { return false }
                return message.hasPrefix(field)
            }
        }
    }
}
