import Glibc
import OpenFlow
import Wire

/// Writes one valid message of each OpenFlow 1.0 type, and one stats request and reply
/// of each stats type, as seed files for the fuzzer (run by `scripts/make-fuzz-corpus.sh`).
@main
struct MakeCorpus {
    static func main() throws {
        let directory = CommandLine.arguments.count > 1 ? CommandLine.arguments[1] : "Fuzz/corpus"
        for (name, message) in seeds() {
            let bytes = try message.encoded()
            guard let file = fopen(directory + "/" + name, "wb") else { fatalError("cannot write \(name)") }
            _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            fclose(file)
        }
    }

    static func seeds() -> [(String, OpenFlowMessage)] {
        let mac = MACAddress(0x00, 0x16, 0x3e, 0x01, 0x02, 0x03)
        let port = PhyPort(
            portNumber: PortNumber(1), hardwareAddress: mac, name: "eth1", config: .noFlood,
            state: .stpForward, current: [.rate1GbFD, .copper], advertised: .rate1GbFD)
        let match = Match(
            wildcards: Wildcards(rawValue: 0x0010_2000), inPort: PortNumber(3), dlSrc: mac, dlDst: .broadcast,
            dlVLAN: 10, dlVLANPCP: 2, dlType: 0x0800, nwTOS: 0x10, nwProto: 6,
            nwSrc: IPv4Address(10, 0, 0, 1), nwDst: IPv4Address(10, 0, 0, 2), tpSrc: 1234, tpDst: 80)
        let actions: [Action] = [
            .output(port: PortNumber(2), maxLength: 0), .setVLANVID(10), .setVLANPCP(3), .stripVLAN,
            .setDLSrc(mac), .setDLDst(.broadcast), .setNWSrc(IPv4Address(1, 2, 3, 4)),
            .setNWDst(IPv4Address(5, 6, 7, 8)), .setNWTOS(0x20), .setTPSrc(1), .setTPDst(2),
            .enqueue(port: PortNumber(1), queueID: 7), .vendor(vendor: 0x2320, body: [0, 1, 2, 3, 4, 5, 6, 7]),
            .output(port: .controller, maxLength: 128),
        ]
        let flowStats = FlowStats(
            tableID: 0, match: match, durationSeconds: 5, durationNanoseconds: 100, priority: 0x8000,
            idleTimeout: 10, hardTimeout: 0, cookie: 0xC00C1E, packetCount: 3, byteCount: 180,
            actions: [.output(port: PortNumber(2))])
        var portStats = PortStats(portNumber: PortNumber(1))
        portStats.rxPackets = 10
        portStats.txBytes = 1000
        let bodies: [(String, Message)] = [
            ("hello", .hello(Hello())),
            ("error", .error(ErrorMessage(code: .badType, data: [1, 20, 0, 8, 0, 0, 0, 1]))),
            ("echo-request", .echoRequest(Echo(payload: [1, 2, 3, 4]))),
            ("echo-reply", .echoReply(Echo(payload: [1, 2, 3, 4]))),
            ("vendor", .vendor(VendorMessage(vendor: 0x2320, body: [0, 0, 0, 10]))),
            ("features-request", .featuresRequest),
            ("features-reply", .featuresReply(SwitchFeatures(
                datapathID: 0x0000_0016_3e01_0203, bufferCount: 256, tableCount: 1,
                capabilities: [.flowStats, .tableStats, .portStats, .arpMatchIP], actions: 0xFFF, ports: [port]))),
            ("get-config-request", .getConfigRequest),
            ("get-config-reply", .getConfigReply(SwitchConfig())),
            ("set-config", .setConfig(SwitchConfig(flags: .fragDrop, missSendLength: 0xFFFF))),
            ("packet-in", .packetIn(PacketIn(
                bufferID: 42, totalLength: UInt16(tcpFrame.count), inPort: PortNumber(1), reason: .noMatch,
                data: tcpFrame[...]))),
            ("flow-removed", .flowRemoved(FlowRemoved(
                match: match, cookie: 1, priority: 100, reason: .idleTimeout, durationSeconds: 60,
                durationNanoseconds: 5, idleTimeout: 10, packetCount: 7, byteCount: 420))),
            ("port-status", .portStatus(PortStatus(reason: .modify, port: port))),
            ("packet-out", .packetOut(PacketOut(
                bufferID: BufferID.none, inPort: PortNumber(1), actions: [.output(port: .flood)], data: tcpFrame[...]))),
            ("flow-mod", .flowMod(FlowMod(
                match: match, cookie: 0xC00C1E, command: .add, idleTimeout: 10, hardTimeout: 30,
                bufferID: 42, flags: .sendFlowRemoved, actions: actions))),
            ("port-mod", .portMod(PortMod(portNumber: PortNumber(1), hardwareAddress: mac, config: .portDown, mask: .portDown))),
            ("barrier-request", .barrierRequest),
            ("barrier-reply", .barrierReply),
            ("queue-get-config-request", .queueGetConfigRequest(QueueGetConfigRequest(port: PortNumber(1)))),
            ("queue-get-config-reply", .queueGetConfigReply(QueueGetConfigReply(port: PortNumber(1), queues: [
                PacketQueue(queueID: 1, properties: [.minRate(500)]), PacketQueue(queueID: 2, properties: [.none]),
            ]))),
            ("stats-request-desc", .statsRequest(StatsRequest(.desc))),
            ("stats-request-flow", .statsRequest(StatsRequest(.flow(FlowStatsRequest(match: match))))),
            ("stats-request-aggregate", .statsRequest(StatsRequest(.aggregate(FlowStatsRequest())))),
            ("stats-request-table", .statsRequest(StatsRequest(.table))),
            ("stats-request-port", .statsRequest(StatsRequest(.port(.none)))),
            ("stats-request-queue", .statsRequest(StatsRequest(.queue(port: .all, queueID: QueueID.all)))),
            ("stats-request-vendor", .statsRequest(StatsRequest(.vendor(vendor: 0x2320, body: [0, 0, 0, 1])))),
            ("stats-reply-desc", .statsReply(StatsReply(.desc(DescStats(
                manufacturer: "Nicira, Inc.", hardware: "Open vSwitch", software: "3.1.0",
                serialNumber: "None", datapath: "None"))))),
            ("stats-reply-flow", .statsReply(StatsReply(.flow([flowStats, flowStats])))),
            ("stats-reply-aggregate", .statsReply(StatsReply(.aggregate(AggregateStats(packetCount: 3, byteCount: 180, flowCount: 1))))),
            ("stats-reply-table", .statsReply(StatsReply(.table([TableStats(
                tableID: 0, name: "classifier", wildcards: .all, maxEntries: 1_000_000,
                activeCount: 1, lookupCount: 10, matchedCount: 9)])))),
            ("stats-reply-port", .statsReply(StatsReply(.port([portStats]), flags: .replyMore))),
            ("stats-reply-queue", .statsReply(StatsReply(.queue([QueueStats(
                portNumber: PortNumber(1), queueID: 1, txBytes: 100, txPackets: 1, txErrors: 0)])))),
            ("stats-reply-vendor", .statsReply(StatsReply(.vendor(vendor: 0x2320, body: [0, 0, 0, 1])))),
        ]
        return bodies.enumerated().map { index, entry in
            (entry.0 + ".bin", OpenFlowMessage(xid: UInt32(index + 1), entry.1))
        }
    }

    /// A 74-byte TCP SYN inside Ethernet/IPv4, as cbench-like switches send.
    static let tcpFrame: [UInt8] = [
        0x00, 0x16, 0x3e, 0x00, 0x00, 0x02, 0x00, 0x16, 0x3e, 0x00, 0x00, 0x01, 0x08, 0x00,
        0x45, 0x00, 0x00, 0x3c, 0x1c, 0x46, 0x40, 0x00, 0x40, 0x06, 0x0a, 0x74,
        0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,
        0x04, 0xd2, 0x00, 0x50, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
        0xa0, 0x02, 0x72, 0x10, 0x00, 0x00, 0x00, 0x00,
        0x02, 0x04, 0x05, 0xb4, 0x04, 0x02, 0x08, 0x0a, 0x00, 0x00, 0x00, 0x01,
        0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
    ]
}
