import Capture
import Foundation
import OpenFlow
import Testing
import Wire
import TestSupport

/// Writes our encodings into a pcap and asks tshark, an independent decoder, what each
/// field holds. Only the families tshark 4.0 dissects are checked, field by field (see
/// `../shared/notes/peers.md`: it leaves some bodies undissected and flags a few valid
/// messages as malformed, so it is no blanket malformed oracle).
@Suite(.enabled(if: Tshark.path != nil || Tshark.required, "tshark not installed"))
struct TsharkCrossCheckTests {
    /// Each message with the tshark fields it must show, as our values expect them.
    static let cases: [(OpenFlowMessage, [String: String])] = {
        let port1 = PhyPort(
            portNumber: PortNumber(1), hardwareAddress: MACAddress(0x02, 0, 0, 0, 0, 0x01), name: "s1-eth1",
            config: [.noFlood], state: [.linkDown], current: [.rate1GbFD, .copper],
            advertised: [.rate100MbFD], supported: [.rate10GbFD], peer: [.autoNegotiation])
        let port2 = PhyPort(portNumber: .local, hardwareAddress: MACAddress(0x02, 0, 0, 0, 0, 0xfe), name: "br0")
        var match = Match(
            wildcards: Wildcards(rawValue: 0), inPort: PortNumber(3),
            dlSrc: MACAddress(0x00, 0x11, 0x22, 0x33, 0x44, 0x55), dlDst: MACAddress(0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb),
            dlVLAN: 100, dlVLANPCP: 5, dlType: 0x0800, nwTOS: 0x28, nwProto: 6,
            nwSrc: IPv4Address(10, 0, 0, 1), nwDst: IPv4Address(10, 0, 0, 0), tpSrc: 1234, tpDst: 80)
        match.wildcards.nwDstWildcardBits = 8
        let flowMod = FlowMod(
            match: match, cookie: 0x0102_0304_0506_0708, command: .modifyStrict, idleTimeout: 30,
            hardTimeout: 300, priority: 100, bufferID: 0x1234, outPort: PortNumber(7),
            flags: [.sendFlowRemoved, .checkOverlap],
            actions: [.output(port: PortNumber(2), maxLength: 0), .output(port: .controller, maxLength: 128)])
        let frame: [UInt8] = Array(repeating: 0xab, count: 60)
        return [
            (OpenFlowMessage(xid: 1, .hello(Hello())), [:]),
            (OpenFlowMessage(xid: 2, .echoRequest(Echo(payload: [1, 2, 3, 4]))), [:]),
            (OpenFlowMessage(xid: 3, .echoReply(Echo(payload: [1, 2, 3, 4]))), [:]),
            (OpenFlowMessage(xid: 4, .featuresRequest), [:]),
            (
                OpenFlowMessage(
                    xid: 4,
                    .featuresReply(
                        SwitchFeatures(
                            datapathID: 0x0000_0a0b_0c0d_0e0f, bufferCount: 256, tableCount: 2,
                            capabilities: [.flowStats, .tableStats, .portStats, .arpMatchIP], actions: 0xfff,
                            ports: [port1, port2]))),
                [
                    "openflow.datapath_id": "0x00000a0b0c0d0e0f", "openflow.n_buffers": "256", "openflow.n_tables": "2",
                    "openflow.capabilities": "0x00000087", "openflow.actions": "0x00000fff",
                    "openflow.port_no": "1,65534", "openflow.hw_add": "02:00:00:00:00:01,02:00:00:00:00:fe",
                    "openflow.port_name": "s1-eth1,br0", "openflow.port_config": "0x00000010,0x00000000",
                    "openflow.port_state": "0x00000001,0x00000000", "openflow.port_curr": "0x000000a0,0x00000000",
                    "openflow.port_advertised": "0x00000008,0x00000000", "openflow.port_supported": "0x00000040,0x00000000",
                    "openflow.port_peer": "0x00000200,0x00000000",
                ]
            ),
            (OpenFlowMessage(xid: 5, .getConfigRequest), [:]),
            (
                OpenFlowMessage(xid: 5, .getConfigReply(SwitchConfig(flags: .fragDrop, missSendLength: 128))),
                ["openflow.config_flags": "1", "openflow.miss_send_len": "128"]
            ),
            (
                OpenFlowMessage(xid: 6, .setConfig(SwitchConfig(flags: .fragNormal, missSendLength: 0xffff))),
                ["openflow.config_flags": "0", "openflow.miss_send_len": "65535"]
            ),
            (
                OpenFlowMessage(
                    xid: 7,
                    .packetIn(PacketIn(bufferID: 0x0000_0101, totalLength: 1500, inPort: PortNumber(4), reason: .action, data: frame[...]))),
                ["openflow.buffer_id": "257", "openflow.total_len": "1500", "openflow.in_port": "4", "openflow.reason": "1"]
            ),
            (
                OpenFlowMessage(
                    xid: 8,
                    .packetOut(PacketOut(bufferID: BufferID.none, inPort: PortNumber(1), actions: [.output(port: .flood, maxLength: 0)], data: frame[...]))),
                [
                    "openflow.buffer_id": "4294967295", "openflow.in_port": "1", "openflow.actions_len": "8",
                    "openflow.action_typ": "0", "openflow.action_len": "8", "openflow.output_port": "65531",
                ]
            ),
            (
                OpenFlowMessage(xid: 9, .flowMod(flowMod)),
                [
                    "openflow.wildcards": "0x00020000", "openflow.in_port": "3",
                    "openflow.eth_src": "00:11:22:33:44:55", "openflow.eth_dst": "66:77:88:99:aa:bb",
                    "openflow.dl_vlan": "100", "openflow.dl_vlan_pcp": "5", "openflow.ofp_match.dl_type": "0x0800",
                    "openflow.ofp_match.tos": "40", "openflow.ofp_match.nw_proto": "6",
                    "openflow.ofp_match.source_addr": "10.0.0.1", "openflow.ofp_match.dest_addr": "10.0.0.0",
                    "openflow.ofp_match.source_port": "1234", "openflow.ofp_match.dest_port": "80",
                    "openflow.cookie": "0x0102030405060708", "openflow.command": "2",
                    "openflow.idle_timeout": "30", "openflow.hard_timeout": "300", "openflow.priority": "100",
                    "openflow.buffer_id": "4660", "openflow.flags": "0x0003",
                    "openflow.out_port": "7",
                    // tshark 4.0 dissects only the first action of a FLOW_MOD.
                    "openflow.action_typ": "0", "openflow.output_port": "2", "openflow.max_len": "0",
                ]
            ),
            (OpenFlowMessage(xid: 10, .statsRequest(StatsRequest(.desc))), ["openflow.stats.type": "0"]),
            (OpenFlowMessage(xid: 11, .statsRequest(StatsRequest(.flow(FlowStatsRequest())))), ["openflow.stats.type": "1"]),
            (OpenFlowMessage(xid: 12, .statsRequest(StatsRequest(.table))), ["openflow.stats.type": "3"]),
            (OpenFlowMessage(xid: 13, .statsRequest(StatsRequest(.port(.none)))), ["openflow.stats.type": "4"]),
            (OpenFlowMessage(xid: 14, .barrierRequest), [:]),
            (OpenFlowMessage(xid: 15, .barrierReply), [:]),
        ]
    }()

    static let baseFields = ["openflow.version", "openflow_1_0.type", "openflow.xid", "openflow.length"]

    @Test("tshark decodes each field of our encodings to the value we encoded")
    func fieldsAgree() throws {
        let tshark = try #require(Tshark.path, "tshark is required (OFP_REQUIRE_TSHARK=1) but not installed")
        var conversation = TCPConversation(
            client: TCPEndpoint(mac: MACAddress(2, 0, 0, 0, 0, 1), address: IPv4Address(127, 0, 0, 1), port: 40000),
            server: TCPEndpoint(mac: MACAddress(2, 0, 0, 0, 0, 2), address: IPv4Address(127, 0, 0, 1), port: 6653))
        conversation.handshake()
        for (message, _) in Self.cases {
            conversation.send(try message.encoded(), from: .client)
        }
        conversation.close()

        var fields = Self.baseFields
        for (_, expected) in Self.cases {
            for key in expected.keys.sorted() where !fields.contains(key) { fields.append(key) }
        }
        let rows = try Tshark.fields(tshark, pcap: conversation.bytes, fields: fields)
        try #require(rows.count == Self.cases.count, "tshark saw \(rows.count) OpenFlow frames, we wrote \(Self.cases.count)")

        for ((message, expected), row) in zip(Self.cases, rows) {
            let name = message.type.specName ?? "?"
            #expect(Tshark.number(row["openflow.version"]) == 1, "\(name): version")
            #expect(row["openflow_1_0.type"] == String(message.type.rawValue), "\(name): type")
            #expect(Tshark.number(row["openflow.xid"]) == UInt64(message.xid), "\(name): xid")
            #expect(Tshark.number(row["openflow.length"]) == UInt64(message.wireLength), "\(name): length")
            for (field, value) in expected {
                #expect(Tshark.same(row[field], value), "\(name): \(field) is \(row[field] ?? "absent"), we encoded \(value)")
            }
        }
    }
}

/// Runs tshark and reads `-T fields` output.
enum Tshark {
    static let required = ProcessInfo.processInfo.environment["OFP_REQUIRE_TSHARK"] == "1"

    static let path: String? = {
        for directory in ["/usr/bin", "/usr/local/bin", "/usr/sbin"] {
            let candidate = directory + "/tshark"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    /// One dictionary per OpenFlow frame, field name to value (occurrences joined by ",").
    static func fields(_ tshark: String, pcap: [UInt8], fields: [String]) throws -> [[String: String]] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ofp-tshark-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("session.pcap")
        try Data(pcap).write(to: file)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: tshark)
        var arguments = ["-r", file.path, "-Y", "openflow_v1", "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"]
        for field in fields { arguments += ["-e", field] }
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = directory.path  // keep tshark's profile writes out of the real home
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        return text.split(separator: "\n").map { line in
            let values = line.split(separator: "\t", omittingEmptySubsequences: false)
            var row: [String: String] = [:]
            for (field, value) in zip(fields, values) where !value.isEmpty { row[field] = String(value) }
            return row
        }
    }

    /// A decimal or 0x-prefixed hex number.
    static func number(_ text: String?) -> UInt64? {
        guard let text else { return nil }
        if text.hasPrefix("0x") { return UInt64(text.dropFirst(2), radix: 16) }
        return UInt64(text)
    }

    /// Field values agree, comparing numbers by value whatever base tshark printed.
    static func same(_ actual: String?, _ expected: String) -> Bool {
        guard let actual else { return false }
        let a = actual.split(separator: ","), e = expected.split(separator: ",")
        guard a.count == e.count else { return false }
        return zip(a, e).allSatisfy { pair in
            if let x = number(String(pair.0)), let y = number(String(pair.1)) { return x == y }
            return pair.0.lowercased() == pair.1.lowercased()
        }
    }
}
