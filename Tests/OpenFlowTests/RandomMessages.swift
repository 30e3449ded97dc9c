import OpenFlow
import Wire
import TestSupport

/// Random valid values of every OpenFlow 1.0 message, for the round-trip properties.
/// "Valid" means what the decoder accepts and reproduces exactly: strings short enough
/// for their field and free of NUL, vendor action bodies a multiple of 8, action
/// arguments in range, and messages under 64 KiB.
extension SplitMix64 {
    mutating func mac() -> MACAddress { MACAddress(rawValue: next()) }
    mutating func ipv4() -> IPv4Address { IPv4Address(rawValue: u32()) }
    mutating func port() -> PortNumber {
        bool() ? PortNumber(u16()) : pick([.inPort, .table, .normal, .flood, .all, .controller, .local, .none, PortNumber(1)])
    }
    mutating func payload(upTo limit: Int = 64) -> ArraySlice<UInt8> { bytes(upTo: limit)[...] }

    /// Printable ASCII (no NUL), at most `limit` characters.
    mutating func name(upTo limit: Int) -> String {
        let count = int(0...limit)
        var scalars = String.UnicodeScalarView()
        for _ in 0..<count { scalars.append(Unicode.Scalar(UInt8(int(0x20...0x7E)))) }
        return String(scalars)
    }

    mutating func match() -> Match {
        Match(
            wildcards: Wildcards(rawValue: bool() ? u32() : u32() & Wildcards.all.rawValue),
            inPort: port(), dlSrc: mac(), dlDst: mac(), dlVLAN: u16(), dlVLANPCP: u8(),
            dlType: u16(), nwTOS: u8(), nwProto: u8(), nwSrc: ipv4(), nwDst: ipv4(),
            tpSrc: u16(), tpDst: u16())
    }

    mutating func action() -> Action {
        switch int(0...12) {
        case 0: .output(port: port(), maxLength: u16())
        case 1: .setVLANVID(u16() & 0x0FFF)
        case 2: .setVLANPCP(u8() & 7)
        case 3: .stripVLAN
        case 4: .setDLSrc(mac())
        case 5: .setDLDst(mac())
        case 6: .setNWSrc(ipv4())
        case 7: .setNWDst(ipv4())
        case 8: .setNWTOS(u8() & 0xFC)
        case 9: .setTPSrc(u16())
        case 10: .setTPDst(u16())
        case 11: .enqueue(port: port(), queueID: u32())
        default: .vendor(vendor: u32(), body: bytes(8 * int(0...3))[...])
        }
    }

    mutating func actions(upTo limit: Int = 8) -> [Action] { (0..<int(0...limit)).map { _ in action() } }

    mutating func phyPort() -> PhyPort {
        PhyPort(
            portNumber: port(), hardwareAddress: mac(), name: name(upTo: 15),
            config: PortConfig(rawValue: u32()), state: PortState(rawValue: u32()),
            current: PortFeatures(rawValue: u32()), advertised: PortFeatures(rawValue: u32()),
            supported: PortFeatures(rawValue: u32()), peer: PortFeatures(rawValue: u32()))
    }

    mutating func flowStatsRequest() -> FlowStatsRequest {
        FlowStatsRequest(match: match(), tableID: u8(), outPort: port())
    }

    mutating func flowStats() -> FlowStats {
        FlowStats(
            tableID: u8(), match: match(), durationSeconds: u32(), durationNanoseconds: u32(),
            priority: u16(), idleTimeout: u16(), hardTimeout: u16(), cookie: u64(),
            packetCount: u64(), byteCount: u64(), actions: actions(upTo: 4))
    }

    mutating func portStats() -> PortStats {
        var stats = PortStats(portNumber: port())
        stats.rxPackets = u64()
        stats.txPackets = u64()
        stats.rxBytes = u64()
        stats.txBytes = u64()
        stats.rxDropped = u64()
        stats.txDropped = u64()
        stats.rxErrors = u64()
        stats.txErrors = u64()
        stats.rxFrameErrors = u64()
        stats.rxOverErrors = u64()
        stats.rxCRCErrors = u64()
        stats.collisions = u64()
        return stats
    }

    mutating func queueProperty() -> QueueProperty {
        switch int(0...2) {
        case 0: .none
        case 1: .minRate(u16())
        // Types 0 and 1 have fixed layouts; anything else is kept whole.
        default: .unknown(type: UInt16(int(2...0xFFFF)), body: bytes(8 * int(0...2))[...])
        }
    }

    mutating func statsRequest() -> StatsRequest {
        let body: StatsRequest.Body
        switch int(0...6) {
        case 0: body = .desc
        case 1: body = .flow(flowStatsRequest())
        case 2: body = .aggregate(flowStatsRequest())
        case 3: body = .table
        case 4: body = .port(port())
        case 5: body = .queue(port: port(), queueID: u32())
        default: body = .vendor(vendor: u32(), body: payload())
        }
        return StatsRequest(body, flags: bool() ? 0 : u16())
    }

    mutating func statsReply() -> StatsReply {
        let body: StatsReply.Body
        switch int(0...6) {
        case 0:
            body = .desc(DescStats(
                manufacturer: name(upTo: 255), hardware: name(upTo: 40), software: name(upTo: 40),
                serialNumber: name(upTo: 31), datapath: name(upTo: 255)))
        case 1: body = .flow((0..<int(0...5)).map { _ in flowStats() })
        case 2: body = .aggregate(AggregateStats(packetCount: u64(), byteCount: u64(), flowCount: u32()))
        case 3:
            body = .table((0..<int(0...4)).map { _ in
                TableStats(
                    tableID: u8(), name: name(upTo: 31), wildcards: Wildcards(rawValue: u32()),
                    maxEntries: u32(), activeCount: u32(), lookupCount: u64(), matchedCount: u64())
            })
        case 4: body = .port((0..<int(0...4)).map { _ in portStats() })
        case 5:
            body = .queue((0..<int(0...4)).map { _ in
                QueueStats(portNumber: port(), queueID: u32(), txBytes: u64(), txPackets: u64(), txErrors: u64())
            })
        default: body = .vendor(vendor: u32(), body: payload())
        }
        return StatsReply(body, flags: StatsReplyFlags(rawValue: bool() ? 1 : u16()))
    }

    /// A random message of type `type` (0...21).
    mutating func message(type: Int) -> Message {
        switch type {
        case 0: return .hello(Hello(body: payload(upTo: 16)))
        case 1: return .error(ErrorMessage(code: ErrorCode(type: ErrorType(rawValue: u16()), code: u16()), data: payload()))
        case 2: return .echoRequest(Echo(payload: payload()))
        case 3: return .echoReply(Echo(payload: payload()))
        case 4: return .vendor(VendorMessage(vendor: u32(), body: payload()))
        case 5: return .featuresRequest
        case 6:
            return .featuresReply(SwitchFeatures(
                datapathID: u64(), bufferCount: u32(), tableCount: u8(),
                capabilities: Capabilities(rawValue: u32()), actions: u32(),
                ports: (0..<int(0...4)).map { _ in phyPort() }))
        case 7: return .getConfigRequest
        case 8: return .getConfigReply(SwitchConfig(flags: ConfigFlags(rawValue: u16()), missSendLength: u16()))
        case 9: return .setConfig(SwitchConfig(flags: ConfigFlags(rawValue: u16()), missSendLength: u16()))
        case 10:
            return .packetIn(PacketIn(
                bufferID: u32(), totalLength: u16(), inPort: port(), reason: PacketInReason(rawValue: u8()),
                data: payload(upTo: 128)))
        case 11:
            return .flowRemoved(FlowRemoved(
                match: match(), cookie: u64(), priority: u16(), reason: FlowRemovedReason(rawValue: u8()),
                durationSeconds: u32(), durationNanoseconds: u32(), idleTimeout: u16(),
                packetCount: u64(), byteCount: u64()))
        case 12: return .portStatus(PortStatus(reason: PortReason(rawValue: u8()), port: phyPort()))
        case 13:
            return .packetOut(PacketOut(bufferID: u32(), inPort: port(), actions: actions(), data: payload(upTo: 128)))
        case 14:
            return .flowMod(FlowMod(
                match: match(), cookie: u64(), command: FlowModCommand(rawValue: UInt16(int(0...4))),
                idleTimeout: u16(), hardTimeout: u16(), priority: u16(), bufferID: u32(), outPort: port(),
                flags: FlowModFlags(rawValue: u16()), actions: actions()))
        case 15:
            return .portMod(PortMod(
                portNumber: port(), hardwareAddress: mac(), config: PortConfig(rawValue: u32()),
                mask: PortConfig(rawValue: u32()), advertise: PortFeatures(rawValue: u32())))
        case 16: return .statsRequest(statsRequest())
        case 17: return .statsReply(statsReply())
        case 18: return .barrierRequest
        case 19: return .barrierReply
        case 20: return .queueGetConfigRequest(QueueGetConfigRequest(port: port()))
        default:
            return .queueGetConfigReply(QueueGetConfigReply(
                port: port(),
                queues: (0..<int(0...4)).map { _ in
                    PacketQueue(queueID: u32(), properties: (0..<int(0...3)).map { _ in queueProperty() })
                }))
        }
    }

    /// A random whole message of any type; HELLO sometimes carries another version.
    mutating func openFlowMessage() -> OpenFlowMessage {
        openFlowMessage(type: int(0...21))
    }

    mutating func openFlowMessage(type: Int) -> OpenFlowMessage {
        let body = message(type: type)
        let version: UInt8 = type == 0 && bool() ? u8() : Header.version
        return OpenFlowMessage(version: version, xid: u32(), body)
    }
}
