import OpenFlow
import Wire

/// A scripted OpenFlow 1.0 switch that speaks real bytes through the codec: it says
/// HELLO, answers FEATURES_REQUEST, echoes, barriers and stats requests, records
/// everything it receives, and sends whatever a test scripts.
struct FakeSwitch {
    let datapathID: UInt64
    var bufferCount: UInt32
    var ports: [PhyPort]
    var helloVersion: UInt8 = Header.version
    var helloBody: [UInt8] = []
    var sendsHello = true
    var answersEcho = true
    var answersFeatures = true
    /// The reply parts for a stats request (each but the last is sent with REPLY_MORE).
    var statsReply: (StatsRequest) -> [StatsReply.Body] = { request in
        switch request.body {
        case .flow: [.flow([])]
        case .port: [.port([])]
        case .table: [.table([])]
        default: [.desc(DescStats(manufacturer: "fake", hardware: "", software: "", serialNumber: "", datapath: ""))]
        }
    }

    /// Bytes waiting to go to the controller.
    var outbox: [UInt8] = []
    private(set) var received: [OpenFlowMessage] = []
    private(set) var decodeErrors: [OpenFlowError] = []
    var isClosed = false
    private var framer = Framer(capacity: 1 << 12)
    private var lastXID: UInt32 = 0x4000_0000
    private var lastBufferID: UInt32 = 0

    init(datapathID: UInt64, portCount: Int = 3, bufferCount: UInt32 = 0) {
        self.datapathID = datapathID
        self.bufferCount = bufferCount
        ports = (1...max(portCount, 1)).prefix(portCount).map { FakeSwitch.port(UInt16($0)) }
    }

    static func port(_ number: UInt16, state: PortState = []) -> PhyPort {
        PhyPort(
            portNumber: PortNumber(number), hardwareAddress: MACAddress(rawValue: 0x02_00_00_00_00_00 | UInt64(number)),
            name: "eth" + String(number), state: state)
    }

    var features: SwitchFeatures {
        SwitchFeatures(
            datapathID: datapathID, bufferCount: bufferCount, tableCount: 1,
            capabilities: [.flowStats, .portStats], actions: 0xFFF, ports: ports)
    }

    mutating func start() {
        guard sendsHello else { return }
        send(.hello(Hello(body: helloBody[...])), version: helloVersion)
    }

    @discardableResult
    mutating func send(_ message: Message, xid: UInt32? = nil, version: UInt8 = Header.version) -> UInt32 {
        let xid = xid ?? nextXID()
        outbox += try! OpenFlowMessage(version: version, xid: xid, message).encoded()
        return xid
    }

    mutating func sendRaw(_ bytes: [UInt8]) { outbox += bytes }

    /// A packet_in for `frame`: buffered (first `missSendLength` bytes and a buffer id)
    /// when the switch has buffers, else whole with buffer id 0xffffffff, as OVS does.
    @discardableResult
    mutating func sendPacketIn(_ frame: [UInt8], inPort: UInt16, missSendLength: Int = 128) -> UInt32 {
        var bufferID = BufferID.none
        var data = frame[...]
        if bufferCount > 0 {
            lastBufferID += 1
            bufferID = lastBufferID
            data = frame.prefix(missSendLength)
        }
        let packetIn = PacketIn(
            bufferID: bufferID, totalLength: UInt16(frame.count), inPort: PortNumber(inPort), reason: .noMatch, data: data)
        send(.packetIn(packetIn))
        return bufferID
    }

    mutating func receive(_ bytes: [UInt8]) {
        framer.append(bytes[...])
        while true {
            let frame: ArraySlice<UInt8>?
            do { frame = try framer.next() } catch {
                decodeErrors.append(error)
                return
            }
            guard let frame else { return }
            do {
                // A copy, so recorded messages do not pin the framer's buffer.
                let message = try OpenFlowMessage.decode(ArraySlice(Array(frame)))
                received.append(message)
                respond(to: message)
            } catch {
                decodeErrors.append(error)
            }
        }
    }

    private mutating func respond(to message: OpenFlowMessage) {
        switch message.message {
        case .featuresRequest where answersFeatures:
            send(.featuresReply(features), xid: message.xid)
        case .echoRequest(let echo) where answersEcho:
            send(.echoReply(echo), xid: message.xid)
        case .barrierRequest:
            send(.barrierReply, xid: message.xid)
        case .statsRequest(let request):
            let parts = statsReply(request)
            for (index, body) in parts.enumerated() {
                let flags: StatsReplyFlags = index == parts.count - 1 ? [] : .replyMore
                send(.statsReply(StatsReply(body, flags: flags)), xid: message.xid)
            }
        default:
            break
        }
    }

    private mutating func nextXID() -> UInt32 {
        lastXID += 1
        return lastXID
    }

    // MARK: What the switch received

    var flowMods: [FlowMod] {
        received.compactMap { if case .flowMod(let m) = $0.message { m } else { nil } }
    }
    var packetOuts: [PacketOut] {
        received.compactMap { if case .packetOut(let m) = $0.message { m } else { nil } }
    }
    var errors: [ErrorMessage] {
        received.compactMap { if case .error(let m) = $0.message { m } else { nil } }
    }
    func count(_ type: MessageType) -> Int { received.count { $0.type == type } }

    mutating func forgetReceived() { received.removeAll() }
}
