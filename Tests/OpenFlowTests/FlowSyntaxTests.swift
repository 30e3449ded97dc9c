import OpenFlow
import Testing
import Wire
import TestSupport

/// What users type to ovs-ofctl for OpenFlow 1.0, parsed field by field.
@Suite struct FlowSyntaxTests {
    /// A match with exactly `fields` unwildcarded, built the long way.
    static func exact(_ fields: Wildcards, _ build: (inout Match) -> Void) -> Match {
        var match = Match(wildcards: Wildcards(rawValue: Wildcards.all.rawValue & ~fields.rawValue))
        build(&match)
        return match.normalized
    }

    @Test func emptyAndAnyAreTheAllWildcardMatch() throws {
        #expect(try FlowSyntax.parseMatch("") == Match().normalized)
        #expect(try FlowSyntax.parseMatch("any") == Match().normalized)
        #expect(try FlowSyntax.parseMatch(" , ANY ") == Match().normalized)
    }

    @Test func eachField() throws {
        #expect(try FlowSyntax.parseMatch("in_port=1") == Self.exact(.inPort) { $0.inPort = PortNumber(1) })
        #expect(try FlowSyntax.parseMatch("in_port=LOCAL") == Self.exact(.inPort) { $0.inPort = .local })
        #expect(try FlowSyntax.parseMatch("in_port=0xfffe") == Self.exact(.inPort) { $0.inPort = .local })
        #expect(try FlowSyntax.parseMatch("dl_vlan=10") == Self.exact(.dlVLAN) { $0.dlVLAN = 10 })
        #expect(try FlowSyntax.parseMatch("dl_vlan=0xffff") == Self.exact(.dlVLAN) { $0.dlVLAN = Match.vlanNone })
        #expect(try FlowSyntax.parseMatch("dl_vlan_pcp=7") == Self.exact(.dlVLANPCP) { $0.dlVLANPCP = 7 })
        #expect(try FlowSyntax.parseMatch("dl_src=02:00:00:00:00:01") == Self.exact(.dlSrc) { $0.dlSrc = TextFormSamples.host1 })
        #expect(try FlowSyntax.parseMatch("dl_dst=02:00:00:00:00:0A") == Self.exact(.dlDst) { $0.dlDst = MACAddress(2, 0, 0, 0, 0, 10) })
        #expect(try FlowSyntax.parseMatch("dl_type=0x88cc") == Self.exact(.dlType) { $0.dlType = 0x88CC })
        #expect(try FlowSyntax.parseMatch("dl_type=2054") == Self.exact(.dlType) { $0.dlType = 0x0806 })
        #expect(try FlowSyntax.parseMatch("ip,nw_tos=184") == Self.exact([.dlType, .nwTOS]) {
            $0.dlType = 0x0800
            $0.nwTOS = 184
        })
        #expect(try FlowSyntax.parseMatch("dl_type=0x0800,nw_proto=89") == Self.exact([.dlType, .nwProto]) {
            $0.dlType = 0x0800
            $0.nwProto = 89
        })
        #expect(try FlowSyntax.parseMatch("ip,nw_src=10.1.2.3") == Self.exact(.dlType) {
            $0.dlType = 0x0800
            $0.nwSrc = IPv4Address(10, 1, 2, 3)
            $0.wildcards.nwSrcWildcardBits = 0
        })
        #expect(try FlowSyntax.parseMatch("arp,nw_dst=10.1.2.3") == Self.exact(.dlType) {
            $0.dlType = 0x0806
            $0.nwDst = IPv4Address(10, 1, 2, 3)
            $0.wildcards.nwDstWildcardBits = 0
        })
        #expect(try FlowSyntax.parseMatch("tcp,tp_src=1234,tp_dst=80") == Self.exact([.dlType, .nwProto, .tpSrc, .tpDst]) {
            $0.dlType = 0x0800
            $0.nwProto = 6
            $0.tpSrc = 1234
            $0.tpDst = 80
        })
    }

    @Test func prefixesSetTheWildcardBitCounts() throws {
        let slash = try FlowSyntax.parseMatch("ip,nw_src=10.0.0.0/24,nw_dst=192.168.0.0/16")
        #expect(slash.wildcards.nwSrcWildcardBits == 8)
        #expect(slash.wildcards.nwDstWildcardBits == 16)
        #expect(slash.nwSrc == IPv4Address(10, 0, 0, 0))
        #expect(slash.nwDst == IPv4Address(192, 168, 0, 0))
        let netmask = try FlowSyntax.parseMatch("ip,nw_src=10.0.0.0/255.255.255.0,nw_dst=192.168.0.0/255.255.0.0")
        #expect(netmask == slash)
        // Host bits past the prefix are cleared, as ovs-ofctl does.
        #expect(try FlowSyntax.parseMatch("ip,nw_src=10.0.0.77/24") == slash.withoutNWDst)
        // /32 is exact; /0 matches everything, like leaving the field out.
        #expect(try FlowSyntax.parseMatch("ip,nw_dst=1.2.3.4/32").wildcards.nwDstWildcardBits == 0)
        #expect(try FlowSyntax.parseMatch("ip,nw_dst=1.2.3.4/0") == FlowSyntax.parseMatch("ip"))
    }

    @Test func protocolKeywordsSetTypeAndProtocol() throws {
        let cases: [(String, UInt16, UInt8?)] = [
            ("ip", 0x0800, nil), ("arp", 0x0806, nil), ("icmp", 0x0800, 1), ("tcp", 0x0800, 6), ("udp", 0x0800, 17),
        ]
        for (keyword, dlType, nwProto) in cases {
            let match = try FlowSyntax.parseMatch(keyword)
            #expect(match.dlType == dlType, "\(keyword)")
            #expect(!match.wildcards.contains(.dlType), "\(keyword)")
            #expect(match.wildcards.contains(.nwProto) == (nwProto == nil), "\(keyword)")
            #expect(match.nwProto == nwProto ?? 0, "\(keyword)")
        }
        #expect(try FlowSyntax.parseMatch("icmp,tp_src=8,tp_dst=0").tpSrc == 8)
    }

    @Test func keywordsAndKeysIgnoreCaseAndSeparatorsMix() throws {
        let lower = try FlowSyntax.parseFlow("priority=10,tcp,in_port=local,tp_dst=80,actions=output:2,flood")
        let mixed = try FlowSyntax.parseFlow("Priority=10  TCP\tIN_PORT=Local tp_dst=0x50 ACTIONS=OUTPUT:2, FLOOD")
        #expect(lower == mixed)
        #expect(mixed.actions == [.output(port: PortNumber(2), maxLength: 0), .output(port: .flood, maxLength: 0)])
    }

    @Test func flowSettingsAndTheFlowModTheyMake() throws {
        let spec = try FlowSyntax.parseFlow(
            "cookie=0x1f,table=0,idle_timeout=10,hard_timeout=300,priority=100,in_port=1,ip,nw_dst=10.0.0.0/24 actions=output:2")
        #expect(spec.cookie == 0x1F)
        #expect(spec.table == 0)
        #expect(spec.idleTimeout == 10)
        #expect(spec.hardTimeout == 300)
        #expect(spec.priority == 100)
        let flowMod = spec.flowMod(command: .add)
        #expect(flowMod.cookie == 0x1F && flowMod.idleTimeout == 10 && flowMod.hardTimeout == 300 && flowMod.priority == 100)
        #expect(flowMod.bufferID == BufferID.none && flowMod.outPort == .none && flowMod.flags.isEmpty)
        #expect(flowMod.match == spec.match && flowMod.actions == spec.actions)
        // The brief's example, printed back.
        #expect(OpenFlowMessage(xid: 5, .flowMod(flowMod)).textForm.hasSuffix(
            "ADD cookie=0x1f,idle_timeout=10,hard_timeout=300,priority=100,in_port=1,dl_type=0x0800,nw_dst=10.0.0.0/24 actions=output:2"))

        let defaults = try FlowSyntax.parseFlow("actions=drop").flowMod(command: .delete, outPort: PortNumber(3))
        #expect(defaults == FlowMod(match: Match().normalized, command: .delete, outPort: PortNumber(3)))
        #expect(try FlowSyntax.parseFlow("table=255,actions=").table == 255)
    }

    @Test func actionsAreOptionalOnlyWhenAsked() throws {
        let spec = try FlowSyntax.parseFlow("in_port=2", requiringActions: false)
        #expect(spec.actions.isEmpty)
        #expect(spec.match.inPort == PortNumber(2))
        #expect(throws: FlowSyntaxError.missingActions) { try FlowSyntax.parseFlow("in_port=2") }
    }

    @Test func eachAction() throws {
        let cases: [(String, Action)] = [
            ("output:2", .output(port: PortNumber(2), maxLength: 0)),
            ("output=2", .output(port: PortNumber(2), maxLength: 0)),
            ("output(2)", .output(port: PortNumber(2), maxLength: 0)),
            ("2", .output(port: PortNumber(2), maxLength: 0)),
            ("0xff00", .output(port: .max, maxLength: 0)),
            ("output:NONE", .output(port: .none, maxLength: 0)),
            ("FLOOD", .output(port: .flood, maxLength: 0)),
            ("all", .output(port: .all, maxLength: 0)),
            ("Normal", .output(port: .normal, maxLength: 0)),
            ("LOCAL", .output(port: .local, maxLength: 0)),
            ("in_port", .output(port: .inPort, maxLength: 0)),
            ("TABLE", .output(port: .table, maxLength: 0)),
            ("output:local", .output(port: .local, maxLength: 0)),
            ("CONTROLLER", .output(port: .controller, maxLength: 0xFFFF)),
            ("output:CONTROLLER", .output(port: .controller, maxLength: 0xFFFF)),
            ("controller:128", .output(port: .controller, maxLength: 128)),
            ("CONTROLLER:0", .output(port: .controller, maxLength: 0)),
            ("mod_vlan_vid:4095", .setVLANVID(4095)),
            ("mod_vlan_pcp:7", .setVLANPCP(7)),
            ("strip_vlan", .stripVLAN),
            ("mod_dl_src:02:00:00:00:00:01", .setDLSrc(TextFormSamples.host1)),
            ("mod_dl_dst:02-00-00-00-00-02", .setDLDst(TextFormSamples.host2)),
            ("mod_nw_src:10.0.0.1", .setNWSrc(IPv4Address(10, 0, 0, 1))),
            ("mod_nw_dst:10.0.0.2", .setNWDst(IPv4Address(10, 0, 0, 2))),
            ("mod_nw_tos:184", .setNWTOS(184)),
            ("mod_tp_src:1234", .setTPSrc(1234)),
            ("mod_tp_dst:0x50", .setTPDst(80)),
            ("enqueue:1:2", .enqueue(port: PortNumber(1), queueID: 2)),
            ("enqueue(1,2)", .enqueue(port: PortNumber(1), queueID: 2)),
            ("ENQUEUE(LOCAL, 0xffffffff)", .enqueue(port: .local, queueID: 0xFFFF_FFFF)),
            ("vendor:0x2320", .vendor(vendor: 0x2320, body: [])),
            ("vendor:0x2320:0001feFF", .vendor(vendor: 0x2320, body: [0, 1, 0xFE, 0xFF])),
        ]
        for (text, action) in cases {
            #expect(try FlowSyntax.parseActions(text) == [action], "\(text)")
        }
    }

    @Test func dropAndEmptyMeanNoActions() throws {
        #expect(try FlowSyntax.parseActions("") == [])
        #expect(try FlowSyntax.parseActions("drop") == [])
        #expect(try FlowSyntax.parseActions(" DROP ") == [])
        #expect(try FlowSyntax.parseFlow("priority=1,actions=").actions == [])
        #expect(try FlowSyntax.parseFlow("priority=1 actions=drop").actions == [])
    }

    @Test func actionListsSplitAtTopLevelSeparatorsOnly() throws {
        #expect(try FlowSyntax.parseActions("mod_vlan_vid:5,enqueue(1, 2) output:3,") == [
            .setVLANVID(5), .enqueue(port: PortNumber(1), queueID: 2), .output(port: PortNumber(3), maxLength: 0),
        ])
    }
}

extension Match {
    fileprivate var withoutNWDst: Match {
        var copy = self
        copy.nwDst = .any
        copy.wildcards.nwDstWildcardBits = 32  // "any address", as `normalized` spells it
        return copy
    }
}
