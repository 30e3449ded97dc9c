import OpenFlow
import Scheduler
import Switch
import Wire

/// A frame the datapath sent, copied out of its arena.
struct Sent: Equatable, CustomStringConvertible {
    var port: UInt16
    var frame: [UInt8]
    var queueID: UInt32? = nil

    var description: String { "port " + String(port) + " (" + String(frame.count) + " bytes)" }
}

enum Fixture {
    static func mac(ofPort n: UInt16) -> MACAddress { MACAddress(rawValue: 0x0A_00_00_00_00_00 | UInt64(n)) }

    static func port(_ n: UInt16, config: PortConfig = [], state: PortState = []) -> PhyPort {
        PhyPort(
            portNumber: PortNumber(n), hardwareAddress: mac(ofPort: n), name: "eth" + String(n), config: config,
            state: state, current: [.rate1GbFD, .copper])
    }

    /// A datapath in `.controller` mode with ports 1...`ports`, its async output cleared.
    static func datapath(ports: Int = 4, settings: DatapathSettings = DatapathSettings(), queues: [UInt16: [PortQueue]] = [:]) -> Datapath {
        var datapath = Datapath(settings: settings)
        for n in 1...UInt16(ports) { datapath.addPort(port(n), queues: queues[n] ?? []) }
        datapath.clearAsyncOutput()
        return datapath
    }

    static func flow(
        _ match: Match, priority: UInt16 = 100, actions: [Action], command: FlowModCommand = .add,
        idle: UInt16 = 0, hard: UInt16 = 0, flags: FlowModFlags = [], cookie: UInt64 = 0,
        outPort: PortNumber = .none, bufferID: UInt32 = BufferID.none
    ) -> FlowMod {
        FlowMod(
            match: match, cookie: cookie, command: command, idleTimeout: idle, hardTimeout: hard, priority: priority,
            bufferID: bufferID, outPort: outPort, flags: flags, actions: actions)
    }

    /// A match on the given fields only.
    static func match(
        inPort: UInt16? = nil, dlSrc: MACAddress? = nil, dlDst: MACAddress? = nil, dlType: UInt16? = nil,
        nwProto: UInt8? = nil, nwDst: (IPv4Address, Int)? = nil, tpDst: UInt16? = nil
    ) -> Match {
        var m = Match()
        if let inPort {
            m.wildcards.remove(.inPort)
            m.inPort = PortNumber(inPort)
        }
        if let dlSrc {
            m.wildcards.remove(.dlSrc)
            m.dlSrc = dlSrc
        }
        if let dlDst {
            m.wildcards.remove(.dlDst)
            m.dlDst = dlDst
        }
        if let dlType {
            m.wildcards.remove(.dlType)
            m.dlType = dlType
        }
        if let nwProto {
            m.wildcards.remove(.nwProto)
            m.nwProto = nwProto
        }
        if let (address, prefix) = nwDst {
            m.wildcards.nwDstWildcardBits = 32 - prefix
            m.nwDst = address
        }
        if let tpDst {
            m.wildcards.remove(.tpDst)
            m.tpDst = tpDst
        }
        return m
    }
}

extension Datapath {
    /// Receives `frame` on `inPort` and returns what was sent, copied.
    mutating func send(_ frame: [UInt8], inPort: UInt16, now: Instant = .zero) -> [Sent] {
        receive(frame: frame[...], inPort: PortNumber(inPort), now: now)
        return sent
    }

    /// The current transmissions, copied.
    var sent: [Sent] {
        transmissions.map { Sent(port: $0.port.rawValue, frame: Array($0.frame), queueID: $0.queueID) }
    }

    /// Decodes and clears the asynchronous output.
    mutating func messages() -> [OpenFlowMessage] {
        let decoded = Decode.all(Array(asyncOutput))
        clearAsyncOutput()
        return decoded
    }

    mutating func install(_ mod: FlowMod, now: Instant = .zero) throws(DatapathError) {
        try flowMod(mod, now: now)
    }

    func flows(_ request: FlowStatsRequest = FlowStatsRequest(), now: Instant = .zero) -> [FlowStats] {
        flowStats(request, now: now)
    }
}

enum Decode {
    /// Every whole message in `bytes`; a decode failure is a test failure.
    static func all(_ bytes: [UInt8]) -> [OpenFlowMessage] {
        var framer = Framer(capacity: 1 << 12)
        framer.append(bytes[...])
        var messages: [OpenFlowMessage] = []
        while let frame = try! framer.next() {
            messages.append(try! OpenFlowMessage.decode(ArraySlice(Array(frame))))
        }
        return messages
    }
}

extension OpenFlowMessage {
    var packetIn: PacketIn? { if case .packetIn(let m) = message { m } else { nil } }
    var flowRemoved: FlowRemoved? { if case .flowRemoved(let m) = message { m } else { nil } }
    var portStatus: PortStatus? { if case .portStatus(let m) = message { m } else { nil } }
    var error: ErrorMessage? { if case .error(let m) = message { m } else { nil } }
    var statsReply: StatsReply? { if case .statsReply(let m) = message { m } else { nil } }
}

extension Instant {
    static func seconds(_ s: UInt64) -> Instant { Instant(nanoseconds: s * 1_000_000_000) }
}
