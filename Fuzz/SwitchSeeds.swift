import Glibc
import OpenFlow
import Switch
import Wire

/// The seed scripts of the switch fuzz target, in the input format `SwitchFuzz.swift`
/// reads (`SwitchScript` writes it). Compiled into the fuzz binary;
/// `scripts/fuzz.sh --switch --seeds` runs it with SWITCH_FUZZ_WRITE_SEEDS=Fuzz/corpus-switch.
///
/// Real messages, so that valid ones are common: a handshake, FLOW_MODs with every
/// action (one seed per action, each with frames of every kind through it), PACKET_OUT
/// from data and from a buffer, every stats request, SET_CONFIG with every fragment
/// mode, PORT_MOD, queues, timeouts, echo, reconnects, fail modes, passive connections
/// and malformed messages; frames: ARP, IPv4 TCP/UDP/ICMP, VLAN, fragments, LLC/SNAP,
/// truncated headers, on known and unknown ports.
enum SwitchSeeds {
    static func write(to directory: String) {
        for (name, script) in all() {
            let bytes = script.bytes
            guard let file = fopen(directory + "/" + name, "wb") else { fatalError("cannot write \(directory)/\(name)") }
            _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            fclose(file)
        }
    }

    // MARK: Frames

    static func host(_ n: UInt8) -> MACAddress { MACAddress(0x02, 0x00, 0x5E, 0x00, 0x53, n) }
    static func ip(_ n: UInt8) -> IPv4Address { IPv4Address(10, 0, 0, n) }
    static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    static func bytes(_ mac: MACAddress) -> [UInt8] { (0..<6).map { mac[$0] } }

    static func ethernet(src: MACAddress = host(1), dst: MACAddress = host(2), vlan: UInt16? = nil, type: UInt16, _ payload: [UInt8]) -> [UInt8] {
        var frame = bytes(dst) + bytes(src)
        if let vlan { frame += be16(0x8100) + be16(vlan) }
        return frame + be16(type) + payload
    }

    static func ipv4(src: IPv4Address = ip(1), dst: IPv4Address = ip(2), proto: UInt8, tos: UInt8 = 0, fragment: UInt16 = 0x4000, _ payload: [UInt8]) -> [UInt8] {
        var header = [0x45, tos] + be16(UInt16(20 + payload.count)) + be16(0x1234) + be16(fragment) + [64, proto, 0, 0]
            + be32(src.rawValue) + be32(dst.rawValue)
        let checksum = InternetChecksum.checksum(header[...])
        header[10] = UInt8(checksum >> 8)
        header[11] = UInt8(checksum & 0xFF)
        return header + payload
    }

    static func withChecksum(_ segment: [UInt8], proto: UInt8, at offset: Int) -> [UInt8] {
        var segment = segment
        let pseudo = InternetChecksum.pseudoHeaderSum(source: ip(1), destination: ip(2), protocol: proto, length: segment.count)
        let checksum = InternetChecksum.checksum(segment[...], initial: pseudo)
        segment[offset] = UInt8(checksum >> 8)
        segment[offset + 1] = UInt8(checksum & 0xFF)
        return segment
    }

    static func tcpSegment(dstPort: UInt16 = 80) -> [UInt8] {
        let segment = be16(40000) + be16(dstPort) + be32(0x0102_0304) + be32(0) + [0x50, 0x18] + be16(65535) + [0, 0, 0, 0]
            + Array("GET / HTTP/1.0\r\n\r\n".utf8)
        return withChecksum(segment, proto: 6, at: 16)
    }

    static func udpSegment(dstPort: UInt16 = 53) -> [UInt8] {
        let payload = Array("hello, datapath".utf8)
        return withChecksum(be16(5000) + be16(dstPort) + be16(UInt16(8 + payload.count)) + [0, 0] + payload, proto: 17, at: 6)
    }

    static let tcp = ethernet(type: 0x0800, ipv4(proto: 6, tcpSegment()))
    static let tcpReverse = ethernet(src: host(2), dst: host(1), type: 0x0800, ipv4(src: ip(2), dst: ip(1), proto: 6, tcpSegment()))
    static let udp = ethernet(type: 0x0800, ipv4(proto: 17, udpSegment()))
    static let udpNoChecksum: [UInt8] = {
        let payload = Array("no checksum".utf8)
        return ethernet(type: 0x0800, ipv4(proto: 17, be16(5000) + be16(53) + be16(UInt16(8 + payload.count)) + [0, 0] + payload))
    }()
    static let icmp: [UInt8] = {
        var message: [UInt8] = [8, 0, 0, 0] + be16(7) + be16(1) + Array("ping".utf8)
        let checksum = InternetChecksum.checksum(message[...])
        message[2] = UInt8(checksum >> 8)
        message[3] = UInt8(checksum & 0xFF)
        return ethernet(type: 0x0800, ipv4(proto: 1, message))
    }()
    static let arp: [UInt8] = {
        let body = be16(1) + be16(0x0800) + [6, 4] + be16(1) + bytes(host(1)) + be32(ip(1).rawValue) + bytes(.zero) + be32(ip(2).rawValue)
        return ethernet(dst: .broadcast, type: 0x0806, body)
    }()
    static let arpReply: [UInt8] = {
        let body = be16(1) + be16(0x0800) + [6, 4] + be16(2) + bytes(host(2)) + be32(ip(2).rawValue) + bytes(host(1)) + be32(ip(1).rawValue)
        return ethernet(src: host(2), dst: host(1), type: 0x0806, body)
    }()
    static let vlanUDP = ethernet(vlan: 0x2000 | 10, type: 0x0800, ipv4(proto: 17, tos: 0x10, udpSegment()))
    static let vlanTCP = ethernet(vlan: 20, type: 0x0800, ipv4(proto: 6, tcpSegment(dstPort: 22)))
    static let fragmentFirst = ethernet(type: 0x0800, ipv4(proto: 17, fragment: 0x2000, udpSegment()))
    static let fragmentLater = ethernet(type: 0x0800, ipv4(proto: 17, fragment: 0x0001, Array(repeating: 1, count: 16)))
    static let snap = ethernet(type: 38, [0xAA, 0xAA, 0x03, 0, 0, 0] + be16(0x0800) + ipv4(proto: 17, udpSegment()))
    static let llc = ethernet(type: 30, [0x42, 0x42, 0x03] + Array(repeating: 0, count: 27))
    static let bpdu = ethernet(dst: MACAddress(0x01, 0x80, 0xC2, 0, 0, 0), type: 38, [0x42, 0x42, 0x03] + Array(repeating: 0, count: 35))
    static let raw = ethernet(dst: host(3), type: 0x88B5, Array(repeating: 0xAB, count: 46))
    static let multicast = ethernet(dst: MACAddress(0x01, 0x00, 0x5E, 0, 0, 1), type: 0x0800, ipv4(dst: IPv4Address(224, 0, 0, 1), proto: 17, udpSegment()))
    static let ipOptions: [UInt8] = {
        var header = [0x46, 0] + be16(24 + 8) + be16(1) + be16(0) + [64, 17, 0, 0] + be32(ip(1).rawValue) + be32(ip(2).rawValue) + [1, 1, 1, 0]
        let checksum = InternetChecksum.checksum(header[...])
        header[10] = UInt8(checksum >> 8)
        header[11] = UInt8(checksum & 0xFF)
        return ethernet(type: 0x0800, header + be16(1) + be16(2) + be16(8) + [0, 0])
    }()
    /// Headers cut short at every layer.
    static let truncated: [[UInt8]] = [
        [], Array(tcp.prefix(5)), Array(tcp.prefix(13)), Array(tcp.prefix(14)), Array(vlanUDP.prefix(15)),
        Array(vlanUDP.prefix(17)), Array(tcp.prefix(30)), Array(tcp.prefix(34)), Array(tcp.prefix(40)),
        Array(udp.prefix(41)), Array(icmp.prefix(36)), Array(arp.prefix(30)), Array(snap.prefix(20)),
    ]

    static let everyFrame: [[UInt8]] = [
        tcp, udp, icmp, arp, vlanUDP, vlanTCP, fragmentFirst, fragmentLater, snap, llc, raw, udpNoChecksum, ipOptions,
    ]

    // MARK: Messages

    static func mac(ofPort n: UInt16) -> MACAddress { MACAddress(rawValue: 0x0A_00_00_00_00_00 | UInt64(n)) }

    static func match(inPort: UInt16? = nil, dlType: UInt16? = nil, nwProto: UInt8? = nil, tpDst: UInt16? = nil, dlVLAN: UInt16? = nil) -> Match {
        var m = Match()
        if let inPort { m.wildcards.remove(.inPort); m.inPort = PortNumber(inPort) }
        if let dlType { m.wildcards.remove(.dlType); m.dlType = dlType }
        if let nwProto { m.wildcards.remove(.nwProto); m.nwProto = nwProto }
        if let tpDst { m.wildcards.remove(.tpDst); m.tpDst = tpDst }
        if let dlVLAN { m.wildcards.remove(.dlVLAN); m.dlVLAN = dlVLAN }
        return m
    }

    static func flow(
        _ match: Match = Match(), _ actions: [Action], command: FlowModCommand = .add, priority: UInt16 = 100,
        idle: UInt16 = 0, hard: UInt16 = 0, flags: FlowModFlags = [], bufferID: UInt32 = BufferID.none,
        outPort: PortNumber = .none, cookie: UInt64 = 0
    ) -> Message {
        .flowMod(FlowMod(
            match: match, cookie: cookie, command: command, idleTimeout: idle, hardTimeout: hard, priority: priority,
            bufferID: bufferID, outPort: outPort, flags: flags, actions: actions))
    }

    static func packetOut(_ data: [UInt8], _ actions: [Action], inPort: PortNumber = .none, bufferID: UInt32 = BufferID.none) -> Message {
        .packetOut(PacketOut(bufferID: bufferID, inPort: inPort, actions: actions, data: data[...]))
    }

    static let everyAction: [(String, Action)] = [
        ("output", .output(port: PortNumber(2))),
        ("set-vlan-vid", .setVLANVID(42)),
        ("set-vlan-pcp", .setVLANPCP(5)),
        ("strip-vlan", .stripVLAN),
        ("set-dl-src", .setDLSrc(MACAddress(0x02, 0, 0, 0, 0, 0x99))),
        ("set-dl-dst", .setDLDst(.broadcast)),
        ("set-nw-src", .setNWSrc(IPv4Address(192, 0, 2, 1))),
        ("set-nw-dst", .setNWDst(IPv4Address(198, 51, 100, 7))),
        ("set-nw-tos", .setNWTOS(0xB8)),
        ("set-tp-src", .setTPSrc(1234)),
        ("set-tp-dst", .setTPDst(8080)),
        ("enqueue", .enqueue(port: PortNumber(1), queueID: 2)),
        ("output-controller", .output(port: .controller, maxLength: 64)),
        ("output-normal", .output(port: .normal)),
        ("output-flood", .output(port: .flood)),
        ("output-all", .output(port: .all)),
        ("output-in-port", .output(port: .inPort)),
        ("output-local", .output(port: .local)),
        ("enqueue-in-port", .enqueue(port: .inPort, queueID: 1)),
        ("vendor", .vendor(vendor: 0x2320, body: [0, 1, 2, 3, 4, 5, 6, 7])),
    ]

    static let statsRequests: [Message] = [
        .statsRequest(StatsRequest(.desc)),
        .statsRequest(StatsRequest(.flow(FlowStatsRequest()))),
        .statsRequest(StatsRequest(.flow(FlowStatsRequest(match: match(dlType: 0x0800), tableID: 0, outPort: PortNumber(2))))),
        .statsRequest(StatsRequest(.flow(FlowStatsRequest(tableID: Datapath.emergencyTableID)))),
        .statsRequest(StatsRequest(.aggregate(FlowStatsRequest()))),
        .statsRequest(StatsRequest(.aggregate(FlowStatsRequest(match: match(inPort: 1), tableID: 7)))),
        .statsRequest(StatsRequest(.table)),
        .statsRequest(StatsRequest(.port(.none))),
        .statsRequest(StatsRequest(.port(PortNumber(1)))),
        .statsRequest(StatsRequest(.port(PortNumber(9)))),
        .statsRequest(StatsRequest(.queue(port: .all, queueID: QueueID.all))),
        .statsRequest(StatsRequest(.queue(port: PortNumber(1), queueID: 1))),
        .statsRequest(StatsRequest(.queue(port: PortNumber(1), queueID: 99))),
        .statsRequest(StatsRequest(.queue(port: PortNumber(9), queueID: QueueID.all))),
        .statsRequest(StatsRequest(.queue(port: .all, queueID: 7))),
        .statsRequest(StatsRequest(.vendor(vendor: 0x2320, body: [0, 0, 0, 1]))),
    ]

    // MARK: Scripts

    static func all() -> [(String, SwitchScript)] {
        var seeds: [(String, SwitchScript)] = []
        func add(_ name: String, _ config: RunConfig = [], _ body: (inout SwitchScript) -> Void) {
            var script = SwitchScript(config)
            body(&script)
            script.drain()
            seeds.append(("seed-" + name, script))
        }

        add("handshake") { s in
            s.send([
                .featuresRequest, .getConfigRequest, .setConfig(SwitchConfig(flags: .fragDrop, missSendLength: 0xFFFF)),
                .getConfigRequest, .barrierRequest, .echoRequest(Echo(payload: [1, 2, 3, 4])),
            ])
        }
        add("handshake-bytewise") { s in
            s.send([.featuresRequest, .echoRequest(Echo(payload: [9])), .barrierRequest], chunk: 1, raw: true)
            s.drain(take: 2)
            s.drain(take: 3)
        }
        add("stats-all") { s in
            s.send(flow(match(inPort: 1), [.output(port: PortNumber(2))]))
            s.send(flow(match(dlType: 0x0800), [.output(port: PortNumber(3)), .enqueue(port: PortNumber(2), queueID: 7)], priority: 7))
            s.send(statsRequests)
        }
        add("stats-split", [.shortReplies]) { s in
            for n in 0..<8 {
                s.send(flow(match(inPort: 1, tpDst: UInt16(n)), [.output(port: PortNumber(2)), .setTPSrc(UInt16(n))], priority: UInt16(n)))
            }
            s.send(statsRequests)
        }
        add("flowmod-every-action") { s in
            s.send(flow(
                match(inPort: 1, dlType: 0x0800, nwProto: 6), everyAction.dropLast().map(\.1), idle: 10, hard: 30,
                flags: .sendFlowRemoved, cookie: 0xC00C1E))
            s.frame(tcp, port: 1)
            s.frame(vlanTCP, port: 1)
            s.drain()
            s.send(.statsRequest(StatsRequest(.flow(FlowStatsRequest()))))
            s.tick(16)
            s.tick(18)
        }
        for (name, action) in everyAction {
            add("action-" + name) { s in
                s.send(flow(match(inPort: 1), [action, .output(port: PortNumber(3))]))
                s.send(flow(match(inPort: 2), [.output(port: PortNumber(4)), action], flags: .sendFlowRemoved, cookie: 2))
                for frame in everyFrame { s.frame(frame, port: 1) }
                s.frame(vlanUDP, port: 2)
                s.frame(tcp, port: 2)
                s.send(packetOut(udp, [action, .output(port: .table)], inPort: PortNumber(1)))
                s.send(packetOut(vlanTCP, [action, .output(port: PortNumber(2))], inPort: .controller))
            }
        }
        add("packet-out") { s in
            s.send(flow(match(inPort: 2), [.output(port: PortNumber(3))]))
            s.send(packetOut(tcp, [.setNWSrc(ip(9)), .output(port: .flood)]))
            s.send(packetOut(tcp, [.output(port: .table)], inPort: PortNumber(2)))
            s.send(packetOut(tcp, [.output(port: .table)], inPort: PortNumber(1)))
            s.send(packetOut(udp, [.output(port: .inPort), .output(port: .all)], inPort: PortNumber(4)))
            s.send(packetOut(arp, [.output(port: .normal)], inPort: .local))
            s.send(packetOut([], [.output(port: PortNumber(1))]))
            s.send(packetOut(tcp, [.output(port: .none)]))
            s.send(packetOut(tcp, [.output(port: PortNumber(77))]))
        }
        add("buffers") { s in
            s.frame(tcp, port: 1)  // miss: buffer 8
            s.drain()
            s.send(packetOut([], [.output(port: PortNumber(2))], bufferID: 8))
            s.send(packetOut([], [.output(port: PortNumber(2))], bufferID: 8))  // used
            s.send(packetOut([], [.output(port: PortNumber(2))], bufferID: 12345))  // unknown
            s.frame(udp, port: 3)  // buffer 9
            s.send(flow(match(inPort: 3), [.output(port: PortNumber(4))], bufferID: 9))
            s.frame(icmp, port: 4)  // buffer 10
            s.tick(14)
            s.send(flow(match(inPort: 4), [.output(port: PortNumber(1))], bufferID: 10))  // expired
            for _ in 0..<10 { s.frame(arp, port: 2) }
        }
        add("no-buffers", [.noBuffers]) { s in
            s.send(.setConfig(SwitchConfig(flags: .fragNormal, missSendLength: 20)))
            s.frame(tcp, port: 1)
            s.send(packetOut([], [.output(port: PortNumber(2))], bufferID: 0))
            s.send(flow(match(inPort: 2), [.output(port: .controller, maxLength: 10)]))
            s.frame(udp, port: 2)
        }
        add("timeouts") { s in
            s.send(flow(match(inPort: 1), [.output(port: PortNumber(2))], idle: 1, flags: .sendFlowRemoved))
            s.send(flow(match(inPort: 2), [.output(port: PortNumber(1))], hard: 2, flags: .sendFlowRemoved))
            s.send(flow(match(inPort: 3), [.output(port: PortNumber(1))], idle: 3, hard: 3, flags: .sendFlowRemoved))
            s.send(flow(match(inPort: 4), [.output(port: PortNumber(1))], idle: 1, flags: .emergency))
            s.frame(tcp, port: 1, repeats: 3, spaced: true)
            s.tickToDeadline()
            s.frame(tcp, port: 1)
            s.tickToDeadline()
            s.tickToDeadline()
            s.tickToDeadline()
            s.drain()
            s.send(.statsRequest(StatsRequest(.flow(FlowStatsRequest()))))
        }
        add("echo") { s in
            for _ in 0..<6 {
                s.tickToDeadline()
                s.drain()
            }
            s.connection(.reconnect)
            s.tick(5)
            s.connection(.reconnect)
            s.send(.featuresRequest)
        }
        add("reconnect") { s in
            s.connection(.closeActive)
            s.frame(tcp, port: 1)
            s.tick(5)
            s.connection(.refuse)
            s.tick(8)
            s.connection(.reconnectSilent)
            s.sendRaw(try! OpenFlowMessage(version: 4, xid: 1, .hello(Hello(body: [0, 1, 0, 8, 0, 0, 0, 0x10]))).encoded())
            s.drain()
            s.tickToDeadline()
            s.connection(.reconnectSilent)
            s.send(.echoRequest(Echo(payload: [7])))
            s.sendRaw(try! OpenFlowMessage(version: 6, xid: 2, .hello(Hello(body: [0, 1, 0, 8, 0, 0, 0, 0x52]))).encoded())
            s.send(.featuresRequest)
            s.drain()
            s.connection(.closeActive)
            s.tick(5)
            s.tickToDeadline()
            s.connection(.reconnectSilent)
            s.send(.featuresRequest)  // before HELLO: refused
            s.tick(16)
            s.tick(16)
        }
        add("two-controllers", [.twoControllers]) { s in
            s.connection(.reconnect)
            s.frame(tcp, port: 1)
            s.send(flow(match(inPort: 1), [.output(port: .controller, maxLength: 0xFFFF)], flags: .sendFlowRemoved))
            s.frame(tcp, port: 1)
            s.connection(.closeActive)
            s.frame(udp, port: 2)
            s.connection(.closeAll)
            s.frame(udp, port: 2)
        }
        add("passive") { s in
            s.connection(.openPassive)
            s.send(statsRequests, passive: true)
            s.send(flow(match(inPort: 1), [.output(port: .controller)], flags: .sendFlowRemoved), passive: true)
            s.frame(tcp, port: 1)
            s.send(.portMod(PortMod(portNumber: PortNumber(2), hardwareAddress: mac(ofPort: 2), config: .noFlood, mask: .noFlood)), passive: true)
            s.connection(.openAnotherPassive)
            s.connection(.closePassive)
            s.connection(.closeAll)
            s.frame(tcp, port: 2)
            s.connection(.openPassiveSilent)
            s.send(.featuresRequest, passive: true)
            s.tick(16)
            s.tick(1)
        }
        add("port-mod") { s in
            let mods: [PortMod] = [
                PortMod(portNumber: PortNumber(2), hardwareAddress: mac(ofPort: 2), config: .noFlood, mask: .noFlood),
                PortMod(portNumber: PortNumber(3), hardwareAddress: mac(ofPort: 3), config: .portDown, mask: .portDown),
                PortMod(portNumber: PortNumber(4), hardwareAddress: mac(ofPort: 4), config: [.noRecv, .noFwd], mask: [.noRecv, .noFwd, .noSTP], advertise: .rate10GbFD),
                PortMod(portNumber: PortNumber(1), hardwareAddress: mac(ofPort: 1), config: .noPacketIn, mask: PortConfig(rawValue: 0xFFFF_FFFF)),
                PortMod(portNumber: PortNumber(1), hardwareAddress: mac(ofPort: 2), config: [], mask: .portDown),
                PortMod(portNumber: PortNumber(9), hardwareAddress: mac(ofPort: 9), config: [], mask: .portDown),
                PortMod(portNumber: .local, hardwareAddress: mac(ofPort: 0xFFFE), config: .noRecvSTP, mask: .noRecvSTP),
            ]
            s.send(mods.map { .portMod($0) })
            s.frame(arp, port: 1)
            s.frame(bpdu, port: 4)
            s.frame(tcp, port: 4)
            s.send(packetOut(arp, [.output(port: .flood), .output(port: .all)], inPort: PortNumber(1)))
            s.send(.portMod(PortMod(portNumber: PortNumber(1), hardwareAddress: mac(ofPort: 1), config: [], mask: .noPacketIn)))
            s.frame(arp, port: 1)
            s.send(.statsRequest(StatsRequest(.port(.none))))
        }
        add("queues") { s in
            for port: UInt16 in [1, 2, 3, 9, 0xFFFE, 0xFFFC, 0] {
                s.send(.queueGetConfigRequest(QueueGetConfigRequest(port: PortNumber(port))))
            }
            s.send(flow(match(inPort: 3), [.enqueue(port: PortNumber(1), queueID: 1), .enqueue(port: PortNumber(2), queueID: 7)]))
            s.send(flow(match(inPort: 1), [.enqueue(port: .inPort, queueID: 2)]))
            s.send(flow(match(inPort: 2), [.enqueue(port: .inPort, queueID: 2)]))
            s.send(flow(match(inPort: 4), [.enqueue(port: PortNumber(3), queueID: 1)]))  // bad queue
            s.send(flow(match(inPort: 4), [.enqueue(port: PortNumber(9), queueID: 1)]))  // bad port
            s.frame(udp, port: 3)
            s.frame(udp, port: 1)
            s.frame(udp, port: 2)
            s.send(.statsRequest(StatsRequest(.queue(port: .all, queueID: QueueID.all))))
        }
        add("fragments") { s in
            s.send(flow(match(dlType: 0x0800, nwProto: 17, tpDst: 53), [.output(port: PortNumber(2))]))
            for flags: UInt16 in [1, 0, 2, 3] {
                s.send(.setConfig(SwitchConfig(flags: ConfigFlags(rawValue: flags), missSendLength: 128)))
                s.send(.getConfigRequest)
                s.frame(fragmentFirst, port: 1)
                s.frame(fragmentLater, port: 1)
                s.send(packetOut(fragmentFirst, [.output(port: .table)], inPort: PortNumber(3)))
            }
        }
        add("fail-secure") { s in
            s.send(flow(match(inPort: 1), [.output(port: PortNumber(2))], flags: .emergency))
            s.send(flow(match(inPort: 2), [.output(port: .controller)], flags: .emergency))
            s.send(flow(match(inPort: 3), [.output(port: PortNumber(4))], hard: 5, flags: .emergency))  // refused
            s.send(flow(match(inPort: 4), [.output(port: PortNumber(1))], idle: 2))
            s.connection(.closeActive)
            s.frame(tcp, port: 1)
            s.frame(tcp, port: 2)
            s.frame(tcp, port: 3)
            s.frame(tcp, port: 4)
            s.tick(9)
            s.connection(.reconnect)
            s.send(flow(match(inPort: 1), [], command: .delete, flags: .emergency))
            s.send(.statsRequest(StatsRequest(.flow(FlowStatsRequest(tableID: Datapath.emergencyTableID)))))
        }
        add("fail-standalone", [.standalone]) { s in
            s.connection(.closeActive)
            s.frame(tcp, port: 1)
            s.frame(tcpReverse, port: 2)
            s.frame(tcp, port: 1)
            s.frame(vlanTCP, port: 3)
            s.frame(multicast, port: 4)
            s.port(.linkDown, 2)
            s.frame(tcp, port: 1)
            s.tick(22)
            s.frame(tcp, port: 1)
            s.connection(.reconnect)
        }
        add("normal-no-controller", [.twoControllers, .standalone, .localPort]) { s in
            s.connection(.closeAll)
            s.connection(.refuse)
            for port: UInt8 in [1, 2, 3, 4, 0xFE] { s.frame(arpReply, port: port) }
            s.frame(arp, port: 0xFE)
            s.frame(tcpReverse, port: 0xFE)
        }
        add("flow-commands") { s in
            s.send(flow(match(inPort: 1), [.output(port: PortNumber(2))], priority: 10))
            s.send(flow(match(dlType: 0x0800), [.output(port: PortNumber(3))], priority: 10))
            s.send(flow(match(inPort: 1, dlType: 0x0800), [.output(port: PortNumber(4))], priority: 10, flags: .checkOverlap))
            s.send(flow(match(inPort: 1, dlType: 0x0800), [.output(port: PortNumber(4))], priority: 11, flags: .checkOverlap))
            s.send(flow(match(inPort: 1), [.output(port: PortNumber(4))], command: .modify, cookie: 5))
            s.send(flow(match(inPort: 1), [.output(port: PortNumber(3))], command: .modifyStrict, priority: 10))
            s.send(flow(match(inPort: 2), [.output(port: PortNumber(3))], command: .modifyStrict, priority: 12))
            s.frame(tcp, port: 1)
            s.send(flow(Match(), [], command: .delete, outPort: PortNumber(3)))
            s.send(flow(match(inPort: 1, dlType: 0x0800), [], command: .deleteStrict, priority: 11, flags: .sendFlowRemoved))
            s.send(flow(Match(), [], command: FlowModCommand(rawValue: 7)))
            s.send(flow(Match(), [], command: .delete))
            s.send(.statsRequest(StatsRequest(.aggregate(FlowStatsRequest()))))
        }
        add("exact-match") { s in
            s.send(flow(Match(frame: tcp[...], inPort: PortNumber(1)), [.output(port: PortNumber(2))], priority: 5, idle: 4, flags: .sendFlowRemoved))
            s.send(flow(Match(frame: udp[...], inPort: PortNumber(1)), [.setTPDst(99), .output(port: PortNumber(2))]))
            s.send(flow(Match(frame: arp[...], inPort: PortNumber(1)), [.output(port: .flood)]))
            s.frame(tcp, port: 1, repeats: 3)
            s.frame(udp, port: 1)
            s.frame(arp, port: 1)
            s.send(flow(Match(frame: udp[...], inPort: PortNumber(1)), [], command: .deleteStrict, priority: 1))
            s.frame(udp, port: 1)
            s.tickToDeadline()
            s.tickToDeadline()
        }
        add("table-full", [.tinyLimits]) { s in
            for n in 0..<10 { s.send(flow(match(inPort: UInt16(n)), [.output(port: PortNumber(2))])) }
            s.send(flow(match(inPort: 1), [], flags: .emergency))
            s.send(flow(match(inPort: 2), [], flags: .emergency))
            for n: UInt8 in 1...4 { s.frame(tcp, port: n, repeats: 3) }
            for frame in everyFrame { s.frame(frame, port: 3) }
            s.send(statsRequests)
            s.drain(take: 1)
            s.send(statsRequests)
        }
        add("async-full", [.tinyLimits]) { s in
            for n in 0..<8 {
                s.send(flow(match(inPort: 1, tpDst: UInt16(n)), [.output(port: PortNumber(2))], idle: 1, flags: .sendFlowRemoved))
            }
            s.send(flow(Match(), [], command: .delete))
            for n in 0..<8 {
                s.send(flow(match(inPort: 1, tpDst: UInt16(n)), [.output(port: PortNumber(2))], idle: 1, flags: .sendFlowRemoved))
            }
            s.tickToDeadline()
            s.send(packetOut(tcp, Array(repeating: .output(port: .controller, maxLength: 0xFFFF), count: 12)))
        }
        add("late-io") { s in
            s.frame(tcp, port: 1)  // buffer 8
            s.send(flow(match(inPort: 2), [.output(port: PortNumber(1))], idle: 2, flags: .sendFlowRemoved))
            s.frame(udp, port: 2)
            s.pass(2)
            s.send(packetOut([], [.output(port: PortNumber(2))], bufferID: 8))  // expired, not yet ticked
            s.frame(udp, port: 2)  // the idle flow is due but still there
            for _ in 0..<9 { s.frame(arp, port: 3) }
            s.pass(2)
            for _ in 0..<9 { s.frame(icmp, port: 4) }  // slots expired but not freed
            s.tickToDeadline(late: 1)
            s.pass(1)
            s.connection(.reconnect)
            s.pass(3)
            s.send(.featuresRequest)
            s.tick(19)
        }
        add("listener-only", [.listenerOnly, .localPort]) { s in
            s.frame(tcp, port: 1)
            s.frame(tcpReverse, port: 2)
            s.frame(tcp, port: 1)
            s.send(flow(match(inPort: 3), [.output(port: .controller), .output(port: PortNumber(4))], flags: .sendFlowRemoved))
            s.frame(udp, port: 3)
            s.send(packetOut(arp, [.output(port: .table)], inPort: PortNumber(4)))
            s.send(packetOut(arp, [.output(port: .table)], inPort: .local))
            s.send(statsRequests)
            s.connection(.reconnect)
            s.connection(.openAnotherPassive)
            s.connection(.closeAll)
            s.frame(tcp, port: 0xFE)
            s.connection(.openPassive)
            s.send(.featuresRequest, passive: true)
        }
        add("frames", [.localPort]) { s in
            for frame in everyFrame + truncated + [bpdu, multicast] {
                for port: UInt8 in [1, 3] { s.frame(frame, port: port) }
            }
            for port: UInt8 in [0, 5, 7, 0x80, 0xEF, 0xF8, 0xFB, 0xFD, 0xFE, 0xFF] { s.frame(tcp, port: port) }
        }
        add("truncated-through-actions") { s in
            s.send(flow(Match(), [
                .setVLANVID(7), .setVLANPCP(1), .setDLSrc(host(9)), .setNWSrc(ip(8)), .setNWDst(ip(7)), .setNWTOS(4),
                .setTPSrc(1), .setTPDst(2), .output(port: PortNumber(2)), .stripVLAN, .output(port: .inPort),
                .output(port: .controller, maxLength: 32),
            ]))
            for frame in truncated + [vlanUDP, vlanTCP, snap, fragmentFirst, ipOptions] { s.frame(frame, port: 1) }
            for frame in truncated { s.send(packetOut(frame, [.stripVLAN, .setTPDst(3), .output(port: .table)], inPort: PortNumber(3))) }
        }
        add("ports") { s in
            s.port(.linkDown, 2)
            s.frame(arp, port: 1)
            s.frame(arp, port: 2)
            s.port(.linkUp, 2)
            s.port(.remove, 3)
            s.frame(arp, port: 3)
            s.send(flow(match(inPort: 1), [.output(port: PortNumber(3)), .enqueue(port: PortNumber(1), queueID: 1)]))
            s.port(.add, 3)
            s.port(.addWithConfig, 6, value: 0x10)
            s.port(.addWithConfig, 0x90, value: 0x01)
            s.port(.noteErrors, 1, value: 5)
            s.port(.removeAndAdd, 1)
            s.port(.featuresAgree, 0)
            s.frame(tcp, port: 6)
            s.frame(arp, port: 2)
            s.send([.featuresRequest, .statsRequest(StatsRequest(.port(.none))), .statsRequest(StatsRequest(.queue(port: .all, queueID: QueueID.all)))])
        }
        add("malformed") { s in
            s.sendRaw([1, 5, 0, 8, 0, 0, 0, 1] + [2, 5, 0, 8, 0, 0, 0, 2] + [1, 30, 0, 8, 0, 0, 0, 3])  // ok, bad version, bad type
            s.sendRaw([1, 14, 0, 20, 0, 0, 0, 4] + Array(repeating: 0, count: 12))  // truncated flow mod
            s.sendRaw([1, 13, 0, 24, 0, 0, 0, 5, 0xFF, 0xFF, 0xFF, 0xFF, 0, 1, 0, 16] + [0, 0, 0, 8, 0, 2, 0, 0])  // actions_len past the end
            s.sendRaw([1, 16, 0, 12, 0, 0, 0, 6, 0, 9, 0, 0])  // bad stats type
            s.send([
                .vendor(VendorMessage(vendor: 0x2320, body: [0, 0, 0, 10])),
                .featuresReply(SwitchFeatures(datapathID: 1, bufferCount: 1, tableCount: 1, capabilities: [], actions: 0, ports: [])),
                .barrierReply,
                .error(ErrorMessage(code: .badType, data: [1, 2, 3])),
                .echoReply(Echo()),
                .hello(Hello()),
                .packetIn(PacketIn(bufferID: 1, totalLength: 4, inPort: PortNumber(1), reason: .noMatch, data: [1, 2, 3, 4])),
            ])
            s.send(flow(Match(), [.setVLANVID(0x1000)]))
            s.send(flow(Match(), [.setVLANPCP(8)]))
            s.send(flow(Match(), [.setNWTOS(3)]))
            s.send(flow(Match(), [.output(port: .table)]))
            s.send(flow(Match(), [.output(port: PortNumber(0xFF01))]))
            s.send(packetOut(tcp, [.vendor(vendor: 1, body: [])]))
            s.sendRaw([1, 0, 0, 4, 0, 0, 0, 7])  // length below 8: the stream is closed
            s.send(.featuresRequest)
        }
        add("typed") { s in
            let flowMod = try! OpenFlowMessage(xid: 0, flow(match(inPort: 1), [.output(port: PortNumber(2))])).encoded()
            let packetOut = try! OpenFlowMessage(xid: 0, packetOut(tcp, [.output(port: .flood)])).encoded()
            s.typed(14, Array(flowMod.dropFirst(8)))
            s.typed(13, Array(packetOut.dropFirst(8)))
            s.typed(16, be16(1) + be16(0) + Array(repeating: 0xFF, count: 40) + [0xFF, 0] + be16(0xFFFF))
            s.typed(16, be16(5) + be16(0) + be16(0xFFFC) + be16(0) + be32(0xFFFF_FFFF))
            s.typed(15, be16(1) + bytes(mac(ofPort: 1)) + be32(1) + be32(1) + be32(0) + [0, 0, 0, 0])
            s.typed(20, be16(1) + [0, 0])
            s.typed(9, be16(3) + be16(200))
            for type: UInt8 in [2, 5, 7, 18, 4, 0, 21, 31] { s.typed(type, []) }
        }
        return seeds
    }
}
