import OpenFlow
import Testing
import TestSupport

/// Each kind of bad input, and the error (naming the bad token) it produces.
@Suite struct FlowSyntaxErrorTests {
    func flowError(_ text: String) -> FlowSyntaxError? {
        do {
            _ = try FlowSyntax.parseFlow(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func badFields() {
        let cases: [(String, FlowSyntaxError)] = [
            ("foo=1,actions=drop", .unknownField("foo")),
            ("nw_ttl=5 actions=drop", .unknownField("nw_ttl")),
            ("in_port,actions=drop", .missingValue(field: "in_port")),
            ("in_port=,actions=drop", .missingValue(field: "in_port")),
            ("tcp=1,actions=drop", .unexpectedValue(field: "tcp", text: "1")),
            ("in_port=eth0,actions=drop", .badPort(field: "in_port", text: "eth0")),
            ("in_port=70000,actions=drop", .outOfRange(field: "in_port", text: "70000", allowed: "0...65535")),
            ("priority=high,actions=drop", .badNumber(field: "priority", text: "high")),
            ("priority=0x,actions=drop", .badNumber(field: "priority", text: "0x")),
            ("priority=-1,actions=drop", .badNumber(field: "priority", text: "-1")),
            ("priority=65536,actions=drop", .outOfRange(field: "priority", text: "65536", allowed: "0...65535")),
            ("cookie=0x10000000000000000,actions=drop",
             .outOfRange(field: "cookie", text: "0x10000000000000000", allowed: "0...18446744073709551615")),
            ("dl_vlan=4096,actions=drop", .outOfRange(field: "dl_vlan", text: "4096", allowed: "0...4095, or 0xffff for no VLAN")),
            ("dl_vlan_pcp=8,actions=drop", .outOfRange(field: "dl_vlan_pcp", text: "8", allowed: "0...7")),
            ("dl_src=02:00:00:00:00,actions=drop", .badMAC(field: "dl_src", text: "02:00:00:00:00")),
            ("dl_dst=zz:00:00:00:00:00,actions=drop", .badMAC(field: "dl_dst", text: "zz:00:00:00:00:00")),
            ("ip,nw_tos=3,actions=drop",
             .outOfRange(field: "nw_tos", text: "3", allowed: "a multiple of 4 up to 252: the DSCP bits")),
            ("ip,nw_proto=256,actions=drop", .outOfRange(field: "nw_proto", text: "256", allowed: "0...255")),
            ("ip,nw_src=10.0.0.256,actions=drop", .badIPv4(field: "nw_src", text: "10.0.0.256")),
            ("ip,nw_src=10.0.0,actions=drop", .badIPv4(field: "nw_src", text: "10.0.0")),
            ("ip,nw_dst=10.0.0.0/33,actions=drop", .badPrefix(field: "nw_dst", text: "10.0.0.0/33")),
            ("ip,nw_dst=10.0.0.0/x,actions=drop", .badPrefix(field: "nw_dst", text: "10.0.0.0/x")),
            ("ip,nw_dst=10.0.0.0/255.0.255.0,actions=drop", .badPrefix(field: "nw_dst", text: "10.0.0.0/255.0.255.0")),
            ("tcp,tp_dst=65536,actions=drop", .outOfRange(field: "tp_dst", text: "65536", allowed: "0...65535")),
            ("table=1,actions=drop", .outOfRange(field: "table", text: "1", allowed: "0, or 255 for all tables")),
            ("in_port=1", .missingActions),
            ("", .missingActions),
            ("actions", .missingValue(field: "actions")),
        ]
        for (text, expected) in cases {
            #expect(flowError(text) == expected, "\(text)")
        }
    }

    @Test func duplicates() {
        let cases: [(String, FlowSyntaxError)] = [
            ("in_port=1,in_port=2,actions=drop", .duplicateField("in_port")),
            ("priority=1 priority=2 actions=drop", .duplicateField("priority")),
            ("cookie=1,cookie=1,actions=drop", .duplicateField("cookie")),
            ("ip,tcp,actions=drop", .duplicateField("dl_type")),
            ("tcp,nw_proto=6,actions=drop", .duplicateField("nw_proto")),
            ("ip,nw_src=1.2.3.4/0,nw_src=1.2.3.4,actions=drop", .duplicateField("nw_src")),
        ]
        for (text, expected) in cases {
            #expect(flowError(text) == expected, "\(text)")
        }
    }

    @Test func prerequisites() {
        let ipOrARP = "ip or arp (dl_type=0x0800 or 0x0806)"
        let transport = "tcp, udp or icmp (ip with nw_proto=6, 17 or 1)"
        let cases: [(String, FlowSyntaxError)] = [
            ("tp_dst=80,actions=drop", .missingPrerequisite(field: "tp_dst", requirement: transport)),
            ("ip,tp_src=80,actions=drop", .missingPrerequisite(field: "tp_src", requirement: transport)),
            ("ip,nw_proto=89,tp_src=80,actions=drop", .missingPrerequisite(field: "tp_src", requirement: transport)),
            ("arp,nw_proto=6,tp_src=80,actions=drop", .missingPrerequisite(field: "tp_src", requirement: transport)),
            ("nw_src=10.0.0.1,actions=drop", .missingPrerequisite(field: "nw_src", requirement: ipOrARP)),
            ("dl_type=0x86dd,nw_dst=10.0.0.1,actions=drop", .missingPrerequisite(field: "nw_dst", requirement: ipOrARP)),
            ("nw_proto=6,actions=drop", .missingPrerequisite(field: "nw_proto", requirement: ipOrARP)),
            ("arp,nw_tos=4,actions=drop", .missingPrerequisite(field: "nw_tos", requirement: "ip (dl_type=0x0800)")),
        ]
        for (text, expected) in cases {
            #expect(flowError(text) == expected, "\(text)")
        }
        // Order does not matter: the prerequisite may come after the field.
        #expect(flowError("tp_dst=80,udp,actions=drop") == nil)
    }

    @Test func badActions() {
        let cases: [(String, FlowSyntaxError)] = [
            ("frobnicate", .unknownAction("frobnicate")),
            ("output", .missingValue(field: "output")),
            ("output:", .missingValue(field: "output")),
            ("output:eth0", .badPort(field: "output", text: "eth0")),
            ("2:3", .unexpectedValue(field: "2", text: "3")),
            ("FLOOD:3", .unexpectedValue(field: "flood", text: "3")),
            ("strip_vlan:1", .unexpectedValue(field: "strip_vlan", text: "1")),
            ("controller:70000", .outOfRange(field: "controller", text: "70000", allowed: "0...65535")),
            ("mod_vlan_vid:4096", .outOfRange(field: "mod_vlan_vid", text: "4096", allowed: "0...4095")),
            ("mod_vlan_pcp:8", .outOfRange(field: "mod_vlan_pcp", text: "8", allowed: "0...7")),
            ("mod_nw_tos:2", .outOfRange(field: "mod_nw_tos", text: "2", allowed: "a multiple of 4 up to 252: the DSCP bits")),
            ("mod_nw_tos:256", .outOfRange(field: "mod_nw_tos", text: "256", allowed: "0...255")),
            ("mod_dl_src:1:2:3", .badMAC(field: "mod_dl_src", text: "1:2:3")),
            ("mod_nw_dst:1.2.3", .badIPv4(field: "mod_nw_dst", text: "1.2.3")),
            ("mod_tp_src:x", .badNumber(field: "mod_tp_src", text: "x")),
            ("enqueue:1", .badArgument(field: "enqueue", text: "1")),
            ("enqueue(1,2", .badArgument(field: "enqueue", text: "enqueue(1,2")),
            ("enqueue:1:2:3", .badArgument(field: "enqueue", text: "1:2:3")),
            ("vendor:0x2320:abc", .badArgument(field: "vendor", text: "0x2320:abc")),
            ("drop,output:1", .dropWithOtherActions),
            ("output:1,drop", .dropWithOtherActions),
        ]
        for (text, expected) in cases {
            #expect(throws: expected, "\(text)") { try FlowSyntax.parseActions(text) }
        }
    }

    @Test func matchTextRejectsFlowSettings() {
        #expect(throws: FlowSyntaxError.unknownField("priority")) { try FlowSyntax.parseMatch("priority=1") }
        #expect(throws: FlowSyntaxError.unknownField("actions")) { try FlowSyntax.parseMatch("actions=drop") }
    }

    @Test func messagesNameTheBadToken() {
        #expect(FlowSyntaxError.unknownField("foo").message == "unknown field 'foo'")
        #expect(FlowSyntaxError.outOfRange(field: "dl_vlan", text: "5000", allowed: "0...4095").message
            == "dl_vlan: 5000 out of range (0...4095)")
        #expect(FlowSyntaxError.missingPrerequisite(field: "tp_dst", requirement: "tcp or udp").message
            == "tp_dst requires tcp or udp")
        #expect(FlowSyntaxError.badMAC(field: "dl_src", text: "xx").message == "dl_src: 'xx' is not a MAC address")
        #expect(FlowSyntaxError.duplicateField("in_port").message == "duplicate field 'in_port'")
        #expect(FlowSyntaxError.missingActions.message == "missing 'actions='")
    }
}
