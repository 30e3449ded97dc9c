import OpenFlow
import Wire
import TestSupport

/// One or more hand-built messages of every OpenFlow 1.0 type for the printer tests,
/// with awkward text (newlines, quotes, control characters) where the peer sends text.
enum TextFormSamples {
    static let host1 = MACAddress(0x02, 0, 0, 0, 0, 0x01)
    static let host2 = MACAddress(0x02, 0, 0, 0, 0, 0x02)

    static let tcpFrame = Frames.ethernet(
        dst: host2, src: host1, type: 0x0800,
        Frames.ipv4(proto: 6, src: IPv4Address(10, 0, 0, 1), dst: IPv4Address(10, 0, 0, 2), tos: 0x10, Frames.tcp(src: 1234, dst: 80)))
    static let arpFrame = Frames.ethernet(dst: .broadcast, src: host1, type: 0x0806, Frames.arp(operation: 1))
    static let taggedUDPFrame = Frames.tagged(
        src: host1, pcp: 5, vid: 10, type: 0x0800, Frames.ipv4(proto: 17, Frames.udp(src: 68, dst: 67)))

    /// The example of the brief, byte for byte.
    static let flowModExample = OpenFlowMessage(xid: 5, .flowMod(FlowMod(
        match: Match(
            wildcards: Wildcards(rawValue: Wildcards.all.rawValue & ~(Wildcards.inPort.rawValue | Wildcards.dlType.rawValue))
                .withNWDst(prefix: 24),
            inPort: PortNumber(1), dlType: 0x0800, nwDst: IPv4Address(10, 0, 0, 0)),
        command: .add, priority: 100, actions: [.output(port: PortNumber(2), maxLength: 0)])))

    static let port1 = PhyPort(
        portNumber: PortNumber(1), hardwareAddress: host1, name: "eth1",
        current: [.rate1GbFD, .copper])
    static let port2 = PhyPort(
        portNumber: .local, hardwareAddress: host2, name: "br\n0\"x",
        config: [.portDown], state: [.linkDown, .stpBlock])

    static let flowEntry = FlowStats(
        tableID: 0, match: TextFormSamples.flowModExample.flowModMatch, durationSeconds: 3, durationNanoseconds: 250_000_000,
        priority: 100, idleTimeout: 10, hardTimeout: 0, cookie: 0xABC, packetCount: 7, byteCount: 700,
        actions: [.output(port: PortNumber(2), maxLength: 0)])

    static var all: [OpenFlowMessage] {
        [
            OpenFlowMessage(xid: 1, .hello(Hello())),
            OpenFlowMessage(version: 4, xid: 1, .hello(Hello(body: [0, 1, 0, 8, 0, 0, 0, 0x10]))),
            OpenFlowMessage(xid: 2, .error(ErrorMessage(code: .badLength, data: (try! flowModExample.encoded()).prefix(64)))),
            OpenFlowMessage(xid: 2, .error(ErrorMessage(code: .helloIncompatible, data: Array("no common version\0".utf8)[...]))),
            OpenFlowMessage(xid: 2, .error(ErrorMessage(code: .helloIncompatible, data: Array("two\nlines".utf8)[...]))),
            OpenFlowMessage(xid: 2, .error(ErrorMessage(code: ErrorCode(type: ErrorType(rawValue: 9), code: 3)))),
            OpenFlowMessage(xid: 3, .echoRequest(Echo(payload: [1, 2, 3]))),
            OpenFlowMessage(xid: 3, .echoReply(Echo())),
            OpenFlowMessage(xid: 4, .vendor(VendorMessage(vendor: 0x2320, body: [0, 0, 0, 0x10, 1, 2]))),
            OpenFlowMessage(xid: 6, .featuresRequest),
            OpenFlowMessage(xid: 6, .featuresReply(SwitchFeatures(
                datapathID: 0x1, bufferCount: 256, tableCount: 1,
                capabilities: [.flowStats, .tableStats, .portStats, .arpMatchIP], actions: 0xFFF,
                ports: [port1, port2]))),
            OpenFlowMessage(xid: 7, .getConfigRequest),
            OpenFlowMessage(xid: 7, .getConfigReply(SwitchConfig())),
            OpenFlowMessage(xid: 8, .setConfig(SwitchConfig(flags: .fragDrop, missSendLength: 0xFFFF))),
            OpenFlowMessage(xid: 0, .packetIn(PacketIn(
                bufferID: 0x100, totalLength: UInt16(tcpFrame.count), inPort: PortNumber(1), reason: .noMatch,
                data: tcpFrame[...]))),
            OpenFlowMessage(xid: 0, .packetIn(PacketIn(
                bufferID: BufferID.none, totalLength: UInt16(arpFrame.count), inPort: PortNumber(3), reason: .action,
                data: arpFrame[...]))),
            OpenFlowMessage(xid: 0, .flowRemoved(FlowRemoved(
                match: flowModExample.flowModMatch, cookie: 0x1, priority: 100, reason: .idleTimeout,
                durationSeconds: 12, durationNanoseconds: 5_000_000, idleTimeout: 10, packetCount: 5, byteCount: 300))),
            OpenFlowMessage(xid: 0, .portStatus(PortStatus(reason: .modify, port: port2))),
            OpenFlowMessage(xid: 0, .portStatus(PortStatus(reason: .add, port: port1))),
            OpenFlowMessage(xid: 9, .packetOut(PacketOut(bufferID: 0x100, inPort: PortNumber(1), actions: [.output(port: .flood)]))),
            OpenFlowMessage(xid: 9, .packetOut(PacketOut(actions: [], data: taggedUDPFrame[...]))),
            flowModExample,
            OpenFlowMessage(xid: 10, .flowMod(FlowMod(
                match: Match(), cookie: 0xFEED, command: .deleteStrict, idleTimeout: 30, hardTimeout: 300,
                priority: 0, bufferID: 0x42, outPort: PortNumber(3), flags: [.sendFlowRemoved, .checkOverlap, .emergency],
                actions: [
                    .setVLANVID(10), .setVLANPCP(3), .stripVLAN, .setDLSrc(host1), .setDLDst(host2),
                    .setNWSrc(IPv4Address(1, 2, 3, 4)), .setNWDst(IPv4Address(5, 6, 7, 8)), .setNWTOS(0x28),
                    .setTPSrc(1000), .setTPDst(2000), .enqueue(port: PortNumber(1), queueID: 7),
                    .output(port: .controller, maxLength: 128), .vendor(vendor: 0x2320, body: [1, 2, 3, 4, 5, 6, 7, 8]),
                ]))),
            OpenFlowMessage(xid: 11, .portMod(PortMod(
                portNumber: PortNumber(1), hardwareAddress: host1, config: [], mask: [.portDown],
                advertise: [.rate100MbFD]))),
            OpenFlowMessage(xid: 12, .statsRequest(StatsRequest(.desc))),
            OpenFlowMessage(xid: 12, .statsRequest(StatsRequest(.flow(FlowStatsRequest())))),
            OpenFlowMessage(xid: 12, .statsRequest(StatsRequest(.aggregate(FlowStatsRequest(
                match: flowModExample.flowModMatch, tableID: 0, outPort: PortNumber(2)))))),
            OpenFlowMessage(xid: 12, .statsRequest(StatsRequest(.table))),
            OpenFlowMessage(xid: 12, .statsRequest(StatsRequest(.port(.none)))),
            OpenFlowMessage(xid: 12, .statsRequest(StatsRequest(.queue(port: .all, queueID: QueueID.all)))),
            OpenFlowMessage(xid: 12, .statsRequest(StatsRequest(.vendor(vendor: 0x2320, body: [1, 2, 3, 4])))),
            OpenFlowMessage(xid: 12, .statsReply(StatsReply(.desc(DescStats(
                manufacturer: "Acme\r\nInc", hardware: "hw \"1\"", software: "sw\\2", serialNumber: "",
                datapath: "dp\u{2028}x"))))),
            OpenFlowMessage(xid: 12, .statsReply(StatsReply(.flow([flowEntry, flowEntry]), flags: .replyMore))),
            OpenFlowMessage(xid: 12, .statsReply(StatsReply(.aggregate(AggregateStats(packetCount: 14, byteCount: 1400, flowCount: 2))))),
            OpenFlowMessage(xid: 12, .statsReply(StatsReply(.table([TableStats(
                tableID: 0, name: "classifier", wildcards: .all, maxEntries: 1_000_000, activeCount: 2,
                lookupCount: 10, matchedCount: 8)])))),
            OpenFlowMessage(xid: 12, .statsReply(StatsReply(.port([portStats])))),
            OpenFlowMessage(xid: 12, .statsReply(StatsReply(.queue([QueueStats(
                portNumber: PortNumber(1), queueID: 0, txBytes: 100, txPackets: 1, txErrors: 0)])))),
            OpenFlowMessage(xid: 12, .statsReply(StatsReply(.vendor(vendor: 0x2320, body: [])))),
            OpenFlowMessage(xid: 13, .barrierRequest),
            OpenFlowMessage(xid: 13, .barrierReply),
            OpenFlowMessage(xid: 14, .queueGetConfigRequest(QueueGetConfigRequest(port: PortNumber(1)))),
            OpenFlowMessage(xid: 14, .queueGetConfigReply(QueueGetConfigReply(port: PortNumber(1), queues: [
                PacketQueue(queueID: 1, properties: [.minRate(500)]),
                PacketQueue(queueID: 2, properties: [.none, .minRate(0xFFFF), .unknown(type: 7, body: [0, 0, 0, 0, 0, 0, 0, 0])]),
            ]))),
        ]
    }

    static var portStats: PortStats {
        var stats = PortStats(portNumber: PortNumber(1))
        stats.rxPackets = 10
        stats.txPackets = 20
        stats.rxBytes = 1000
        stats.txBytes = 2000
        stats.rxCRCErrors = UInt64.max
        return stats
    }
}

extension Wildcards {
    fileprivate func withNWDst(prefix: Int) -> Wildcards {
        var copy = self
        copy.nwDstWildcardBits = 32 - prefix
        return copy
    }
}

extension OpenFlowMessage {
    fileprivate var flowModMatch: Match {
        guard case .flowMod(let flowMod) = message else { preconditionFailure("not a FLOW_MOD") }
        return flowMod.match
    }
}
