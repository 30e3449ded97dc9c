import OpenFlow
import Testing
import Wire
import TestSupport

/// The one-line printer: exact lines for the messages people read most, the key
/// parts of every other type, and the single-line guarantee.
@Suite struct TextFormTests {
    @Test func flowModExample() {
        #expect(TextFormSamples.flowModExample.textForm
            == "OFPT_FLOW_MOD xid=0x5 ADD priority=100,in_port=1,dl_type=0x0800,nw_dst=10.0.0.0/24 actions=output:2")
    }

    @Test func flowModWithEverySetting() {
        let flowMod = OpenFlowMessage(xid: 0x1F, .flowMod(FlowMod(
            match: Match(), cookie: 0xFEED, command: .deleteStrict, idleTimeout: 30, hardTimeout: 300,
            priority: 0, bufferID: 0x42, outPort: PortNumber(3), flags: [.sendFlowRemoved, .checkOverlap, .emergency],
            actions: [.output(port: .controller, maxLength: 128)])))
        #expect(flowMod.textForm
            == "OFPT_FLOW_MOD xid=0x1f DELETE_STRICT cookie=0xfeed,idle_timeout=30,hard_timeout=300,priority=0"
            + " buffer_id=0x42 out_port=3 flags=send_flow_rem|check_overlap|emerg actions=CONTROLLER:128")
        let unknown = OpenFlowMessage(xid: 1, .flowMod(FlowMod(
            match: Match(), command: FlowModCommand(rawValue: 9), flags: FlowModFlags(rawValue: 0x18))))
        #expect(unknown.textForm == "OFPT_FLOW_MOD xid=0x1 command=9 priority=32768 flags=0x18 actions=drop")
    }

    @Test func packetInSummarizesTheFrame() {
        let tcp = TextFormSamples.tcpFrame
        let message = OpenFlowMessage(xid: 0, .packetIn(PacketIn(
            bufferID: 0x100, totalLength: UInt16(tcp.count), inPort: PortNumber(1), reason: .noMatch, data: tcp[...])))
        #expect(message.textForm
            == "OFPT_PACKET_IN xid=0x0 buffer_id=0x100 total_len=54 in_port=1 reason=no_match data_len=54"
            + " dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,dl_type=0x0800,nw_tos=16,nw_proto=6"
            + ",nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_src=1234,tp_dst=80")
        let arp = TextFormSamples.arpFrame
        let arpIn = OpenFlowMessage(xid: 0, .packetIn(PacketIn(
            bufferID: BufferID.none, totalLength: 60, inPort: .local, reason: .action, data: arp[...])))
        #expect(arpIn.textForm
            == "OFPT_PACKET_IN xid=0x0 buffer_id=none total_len=60 in_port=LOCAL reason=action data_len=42"
            + " dl_src=02:00:00:00:00:01,dl_dst=ff:ff:ff:ff:ff:ff,dl_type=0x0806,nw_proto=1"
            + ",nw_src=192.0.2.1,nw_dst=198.51.100.7")
        let runt = OpenFlowMessage(xid: 0, .packetIn(PacketIn(
            bufferID: 1, totalLength: 3, inPort: PortNumber(2), reason: PacketInReason(rawValue: 7), data: [1, 2, 3])))
        #expect(runt.textForm == "OFPT_PACKET_IN xid=0x0 buffer_id=0x1 total_len=3 in_port=2 reason=7 data_len=3")
    }

    @Test func featuresReply() {
        let message = OpenFlowMessage(xid: 6, .featuresReply(SwitchFeatures(
            datapathID: 0x0000_0A0B_0C0D_0E0F, bufferCount: 256, tableCount: 1,
            capabilities: [.flowStats, .arpMatchIP, Capabilities(rawValue: 1 << 12)], actions: 0b1000_0000_0001,
            ports: [TextFormSamples.port1, TextFormSamples.port2])))
        #expect(message.textForm
            == "OFPT_FEATURES_REPLY xid=0x6 dpid=00000a0b0c0d0e0f n_buffers=256 n_tables=1"
            + " capabilities=FLOW_STATS|ARP_MATCH_IP|0x1000 action_types=OUTPUT|ENQUEUE n_ports=2"
            + " 1(eth1):02:00:00:00:00:01"
            + " LOCAL(br\\x0a0\"x):02:00:00:00:00:02,config=PORT_DOWN,state=LINK_DOWN|STP_BLOCK")
    }

    @Test func errors() {
        let request = try! TextFormSamples.flowModExample.encoded()
        #expect(OpenFlowMessage(xid: 2, .error(ErrorMessage(code: .badLength, answering: request[...]))).textForm
            == "OFPT_ERROR xid=0x2 OFPET_BAD_REQUEST OFPBRC_BAD_LEN data_len=64 request=OFPT_FLOW_MOD request_xid=0x5")
        #expect(OpenFlowMessage(xid: 0, .error(ErrorMessage(code: .helloIncompatible, data: Array("no common version\0".utf8)[...]))).textForm
            == "OFPT_ERROR xid=0x0 OFPET_HELLO_FAILED OFPHFC_INCOMPATIBLE data=\"no common version\"")
        #expect(OpenFlowMessage(xid: 0, .error(ErrorMessage(code: .helloPermissions, data: Array("a\n\"b\"".utf8)[...]))).textForm
            == "OFPT_ERROR xid=0x0 OFPET_HELLO_FAILED OFPHFC_EPERM data=\"a\\x0a\\\"b\\\"\"")
        #expect(OpenFlowMessage(xid: 0, .error(ErrorMessage(code: .helloIncompatible, data: [0xC3, 0x28]))).textForm
            == "OFPT_ERROR xid=0x0 OFPET_HELLO_FAILED OFPHFC_INCOMPATIBLE data_len=2")
        #expect(OpenFlowMessage(xid: 0, .error(ErrorMessage(code: ErrorCode(type: ErrorType(rawValue: 9), code: 3), data: [0, 0xFF, 0, 8, 0, 0, 0, 1]))).textForm
            == "OFPT_ERROR xid=0x0 type=9 code=3 data_len=8")
    }

    @Test func statsReplies() {
        let flows = OpenFlowMessage(xid: 12, .statsReply(StatsReply(.flow([TextFormSamples.flowEntry]), flags: .replyMore)))
        #expect(flows.textForm
            == "OFPT_STATS_REPLY xid=0xc OFPST_FLOW flags=more flows=1 {table=0 duration=3.250s n_packets=7 n_bytes=700"
            + " cookie=0xabc,idle_timeout=10,priority=100,in_port=1,dl_type=0x0800,nw_dst=10.0.0.0/24 actions=output:2}")
        let desc = OpenFlowMessage(xid: 12, .statsReply(StatsReply(.desc(DescStats(
            manufacturer: "Acme\r\nInc", hardware: "hw \"1\"", software: "sw\\2", serialNumber: "", datapath: "dp\u{2028}x")))))
        #expect(desc.textForm
            == "OFPT_STATS_REPLY xid=0xc OFPST_DESC mfr=\"Acme\\x0d\\x0aInc\" hw=\"hw \\\"1\\\"\" sw=\"sw\\\\2\" serial=\"\" dp=\"dp\\u{2028}x\"")
    }

    /// Every sample names its type and xid first and carries the details of its body.
    /// Each case is an index into `TextFormSamples.all` and the parts its line must hold;
    /// the samples not listed have exact-line tests above.
    @Test(arguments: [
        (0, ["OFPT_HELLO xid=0x1"]),
        (1, ["OFPT_HELLO xid=0x1 version=0x4 body_len=8"]),
        (6, ["OFPT_ECHO_REQUEST xid=0x3", "payload_len=3"]),
        (7, ["OFPT_ECHO_REPLY xid=0x3", "payload_len=0"]),
        (8, ["OFPT_VENDOR xid=0x4", "vendor=0x2320", "body_len=6"]),
        (9, ["OFPT_FEATURES_REQUEST xid=0x6"]),
        (11, ["OFPT_GET_CONFIG_REQUEST xid=0x7"]),
        (12, ["OFPT_GET_CONFIG_REPLY xid=0x7", "frags=normal", "miss_send_len=128"]),
        (13, ["OFPT_SET_CONFIG xid=0x8", "frags=drop", "miss_send_len=65535"]),
        (16, ["OFPT_FLOW_REMOVED xid=0x0", "reason=idle", "cookie=0x1", "priority=100,in_port=1", "duration=12.005s",
              "n_packets=5", "n_bytes=300"]),
        (17, ["OFPT_PORT_STATUS xid=0x0 MODIFY LOCAL(", "config=PORT_DOWN", "state=LINK_DOWN|STP_BLOCK"]),
        (18, ["OFPT_PORT_STATUS xid=0x0 ADD 1(eth1):02:00:00:00:00:01", "current=1GB_FD|COPPER"]),
        (19, ["OFPT_PACKET_OUT xid=0x9", "buffer_id=0x100", "in_port=1", "actions=FLOOD"]),
        (20, ["OFPT_PACKET_OUT xid=0x9", "buffer_id=none", "in_port=NONE", "actions=drop", "data_len=46",
              "dl_vlan=10,dl_vlan_pcp=5", "nw_proto=17", "tp_src=68,tp_dst=67"]),
        (22, ["mod_vlan_vid:10,mod_vlan_pcp:3,strip_vlan,mod_dl_src:02:00:00:00:00:01,mod_dl_dst:02:00:00:00:00:02",
              "mod_nw_src:1.2.3.4,mod_nw_dst:5.6.7.8,mod_nw_tos:40,mod_tp_src:1000,mod_tp_dst:2000,enqueue:1:7",
              "CONTROLLER:128,vendor:0x2320:0102030405060708"]),
        (23, ["OFPT_PORT_MOD xid=0xb", "port=1", "addr=02:00:00:00:00:01", "config=0", "mask=PORT_DOWN", "advertise=100MB_FD"]),
        (24, ["OFPT_STATS_REQUEST xid=0xc OFPST_DESC"]),
        (25, ["OFPST_FLOW", "table=all", " any"]),
        (26, ["OFPST_AGGREGATE", "table=0", "out_port=2", "in_port=1,dl_type=0x0800,nw_dst=10.0.0.0/24"]),
        (27, ["OFPST_TABLE"]),
        (28, ["OFPST_PORT", "port=all"]),
        (29, ["OFPST_QUEUE", "port=all", "queue=all"]),
        (30, ["OFPST_VENDOR", "vendor=0x2320", "body_len=4"]),
        (33, ["OFPT_STATS_REPLY xid=0xc OFPST_AGGREGATE", "packet_count=14", "byte_count=1400", "flow_count=2"]),
        (34, ["OFPST_TABLE tables=1", "{table=0 name=\"classifier\"", "wildcards=0x3fffff", "max=1000000", "active=2",
              "lookup=10", "matched=8}"]),
        (35, ["OFPST_PORT ports=1", "{port=1", "rx_pkts=10", "tx_bytes=2000", "rx_crc_err=?", "coll=0}"]),
        (36, ["OFPST_QUEUE queues=1", "{port=1 queue=0", "tx_bytes=100", "tx_pkts=1", "tx_errors=0}"]),
        (37, ["OFPST_VENDOR", "vendor=0x2320", "body_len=0"]),
        (38, ["OFPT_BARRIER_REQUEST xid=0xd"]),
        (39, ["OFPT_BARRIER_REPLY xid=0xd"]),
        (40, ["OFPT_QUEUE_GET_CONFIG_REQUEST xid=0xe port=1"]),
        (41, ["OFPT_QUEUE_GET_CONFIG_REPLY xid=0xe port=1 queues=2", "{queue=1 min_rate=50.0%}",
              "{queue=2 min_rate=disabled property=7,len=16}"]),
    ])
    func sampleContains(index: Int, parts: [String]) {
        let text = TextFormSamples.all[index].textForm
        for part in parts {
            #expect(text.contains(part), "\(part) not in: \(text)")
        }
    }

    @Test func samplesCoverEveryMessageType() {
        let types = Set(TextFormSamples.all.map { $0.type.rawValue })
        #expect(types == Set(0...21))
    }

    @Test func everyLineIsOneLineOfPrintableText() {
        var rng = SplitMix64(seed: propertySeed ^ 7)
        var messages = TextFormSamples.all
        for _ in 0..<20 {
            for type in 0...21 { messages.append(rng.openFlowMessage(type: type)) }
        }
        for message in messages {
            let text = message.textForm
            let name = message.type.specName ?? "?"
            #expect(text.hasPrefix(name + " xid=0x"), "\(text)")
            #expect(text.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value)
                && $0 != "\u{2028}" && $0 != "\u{2029}" }, "\(text)")
        }
    }

    @Test func matchText() {
        #expect(Match().textForm == "any")
        let everything = Match(
            wildcards: .exact, inPort: .local, dlSrc: TextFormSamples.host1, dlDst: TextFormSamples.host2,
            dlVLAN: Match.vlanNone, dlVLANPCP: 3, dlType: 0x0800, nwTOS: 0xB8, nwProto: 6,
            nwSrc: IPv4Address(10, 0, 0, 1), nwDst: IPv4Address(10, 0, 0, 2), tpSrc: 1234, tpDst: 80)
        #expect(everything.textForm
            == "in_port=LOCAL,dl_vlan=0xffff,dl_vlan_pcp=3,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02"
            + ",dl_type=0x0800,nw_tos=184,nw_proto=6,nw_src=10.0.0.1,nw_dst=10.0.0.2,tp_src=1234,tp_dst=80")
        // A partial prefix prints the masked address; 32 or more wildcard bits print nothing.
        var prefixes = Match(dlType: 0x0800, nwSrc: IPv4Address(10, 1, 2, 3), nwDst: IPv4Address(10, 1, 2, 3))
        prefixes.wildcards.remove(.dlType)
        prefixes.wildcards.nwSrcWildcardBits = 12
        prefixes.wildcards.nwDstWildcardBits = 32
        #expect(prefixes.textForm == "dl_type=0x0800,nw_src=10.1.0.0/20")
    }

    @Test func actionText() {
        let cases: [(Action, String)] = [
            (.output(port: PortNumber(2), maxLength: 0), "output:2"),
            (.output(port: PortNumber(2), maxLength: 64), "output:2"),
            (.output(port: .none, maxLength: 0), "output:NONE"),
            (.output(port: .inPort, maxLength: 0), "IN_PORT"),
            (.output(port: .table, maxLength: 0), "TABLE"),
            (.output(port: .normal, maxLength: 0), "NORMAL"),
            (.output(port: .flood, maxLength: 0), "FLOOD"),
            (.output(port: .all, maxLength: 0), "ALL"),
            (.output(port: .local, maxLength: 0), "LOCAL"),
            (.output(port: .controller, maxLength: 0xFFFF), "CONTROLLER"),
            (.output(port: .controller, maxLength: 128), "CONTROLLER:128"),
            (.output(port: .controller, maxLength: 0), "CONTROLLER:0"),
            (.enqueue(port: .local, queueID: 3), "enqueue:LOCAL:3"),
            (.vendor(vendor: 0x2320, body: []), "vendor:0x2320"),
        ]
        for (action, text) in cases {
            #expect(action.textForm == text)
        }
        #expect([Action]().textForm == "drop")
        #expect([Action.stripVLAN, .output(port: PortNumber(1), maxLength: 0)].textForm == "strip_vlan,output:1")
    }
}
