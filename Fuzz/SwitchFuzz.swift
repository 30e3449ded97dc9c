import Glibc
import OpenFlow
import Scheduler
import Switch
import Wire

/// libFuzzer target over the switch's sans-IO core (built by `scripts/fuzz.sh --switch`).
///
/// Each input is a script run against a fresh `SwitchAgent` with 4 ports (queues on 1
/// and 2) and one active controller connection past its HELLO (a passive one when the
/// input configures no controller), driven as the I/O layer drives it
/// (SwitchAgent.swift): bytes from the peers in arbitrary chunks, frames on ports
/// (known or not), time, output drained by `withOutput` and `forEachTransmission`,
/// connections closed, reopened and refused. Any trap is a bug: bad input must get a
/// typed error or an OFPT_ERROR. Beyond not crashing, the agent's own output is
/// checked: every byte it queues frames and decodes as OpenFlow 1.0 starting with
/// HELLO; an OFPT_ERROR carries the offending message's xid and at most its first 64
/// bytes, and never answers an OFPT_ERROR; a PACKET_IN's data fits its total_len; every
/// frame sent leaves through a port (and queue) the datapath has; `transmissions` and
/// `forEachTransmission` agree; the agent's connections are the ones the I/O layer
/// opened and has not closed.
///
/// # Input format
///
/// Byte 0 configures the run (`RunConfig`). Then steps, until the bytes run out; each
/// starts with an op byte: `kind = op & 7`, `arg = op >> 3` (0...31). "payload" is a
/// 16-bit big-endian length then that many bytes (cut to what is left).
///
/// | kind | step |
/// |------|------|
/// | 0 | payload → the active controller connection; arg & 15 picks the chunk size (`chunkSizes`), arg & 16 the raw-pointer `receive` |
/// | 1 | the same to the passive connection (opened, with HELLO, if there is none) |
/// | 2 | a frame: port byte (`portNumber(_:)`), payload; received arg & 3 (0 → 1) times, arg & 4 a millisecond between |
/// | 3 | time: arg < 24 advances `tickMilliseconds[arg]`, 24...27 jumps arg - 24 ms past `nextDeadline`, then `tick`; 28...31 advances `lateMilliseconds[arg - 28]` without `tick` (the I/O layer handles input before its timer) |
/// | 4 | drain: arg & 3 which connections (0/3 all, 1 active, 2 passive), (arg >> 2) & 3 how much the socket takes (all, nothing, 1 byte, half), arg & 16 also closes what `nextClosure` names |
/// | 5 | connections: `ConnectionOp(rawValue: arg % 12)` |
/// | 6 | ports: port byte, value byte, then `PortOp(rawValue: arg % 8)` through `withDatapath` |
/// | 7 | payload as the body of a message of type arg (0...31), framed here (version 1, right length) to the active connection |
///
/// `SwitchScript` (below) writes this format; `Fuzz/SwitchSeeds.swift` uses it for the
/// seeds in Fuzz/corpus-switch (`scripts/fuzz.sh --switch --seeds` rewrites them).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    var run = SwitchRun(RunConfig(rawValue: input.first ?? 0))
    var reader = StepReader(bytes: input.dropFirst())
    while let step = reader.next() {
        trace("step \(step) at \(run.now.nanoseconds / 1_000_000) ms")
        run.perform(step)
        run.checkConnections()
    }
    run.finish()
    return 0
}

/// With SWITCH_FUZZ_WRITE_SEEDS=DIR set, writes the seed scripts to DIR and exits.
/// With SWITCH_FUZZ_TRACE set, prints each step and each message the agent sends (to
/// read a crash input: `SWITCH_FUZZ_TRACE=1 .build-fuzz-switch/switch-fuzz CRASH`).
@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> CInt {
    if let directory = getenv("SWITCH_FUZZ_WRITE_SEEDS") {
        SwitchSeeds.write(to: String(cString: directory))
        exit(0)
    }
    tracing = getenv("SWITCH_FUZZ_TRACE") != nil
    return 0
}

nonisolated(unsafe) var tracing = false

func trace(_ line: @autoclosure () -> String) {
    if tracing { print(line()) }
}

// MARK: The script

/// Byte 0 of an input.
struct RunConfig: OptionSet {
    var rawValue: UInt8
    /// Fail-standalone instead of fail-secure.
    static let standalone = RunConfig(rawValue: 1 << 0)
    /// A second controller is configured (its connection is made by a reconnect step).
    static let twoControllers = RunConfig(rawValue: 1 << 1)
    /// n_buffers 0: every packet_in whole.
    static let noBuffers = RunConfig(rawValue: 1 << 2)
    /// A LOCAL port besides 1...4.
    static let localPort = RunConfig(rawValue: 1 << 3)
    /// Stats replies split at 256 bytes instead of 65535.
    static let shortReplies = RunConfig(rawValue: 1 << 4)
    /// Tiny limits: 8 flows, 1 emergency flow, 1 buffer, 2 learned addresses, 600 bytes
    /// of async output, 2 KiB of output per connection.
    static let tinyLimits = RunConfig(rawValue: 1 << 5)
    /// No controller configured (a switch driven through its listener): the first
    /// connection is passive, and bytes for "the active connection" go to the first open one.
    static let listenerOnly = RunConfig(rawValue: 1 << 6)
}

enum ConnectionOp: Int {
    /// The active controller's peer closes its connection.
    case closeActive
    /// Every connection `nextConnectAttempt` asks for is opened, and says HELLO.
    case reconnect
    /// The same, without HELLO (the next bytes are the handshake).
    case reconnectSilent
    /// Every attempt `nextConnectAttempt` asks for fails (`connectFailed`).
    case refuse
    case openPassive
    case openPassiveSilent
    case closePassive
    /// Flushes and closes every connection `nextClosure` names.
    case serviceClosures
    /// `connectionOpened` again for an open id: ignored.
    case duplicateOpen
    /// `connectionClosed` and `receive` for an id never opened.
    case unknownID
    /// Every connection closes at once.
    case closeAll
    /// A second passive connection, with HELLO.
    case openAnotherPassive
}

enum PortOp: Int {
    case linkDown, linkUp, remove, add, noteErrors, addWithConfig, featuresAgree, removeAndAdd
}

/// One step of a script.
enum Step {
    case bytes(passive: Bool, chunk: Int, raw: Bool, ArraySlice<UInt8>)
    case frame(port: PortNumber, repeats: Int, spaced: Bool, ArraySlice<UInt8>)
    /// nil: to the next deadline (plus `late` ms).
    case tick(milliseconds: UInt64?, late: UInt64, tick: Bool)
    case drain(which: Int, take: Int, closures: Bool)
    case connection(ConnectionOp)
    case port(PortOp, PortNumber, value: UInt8)
    case typed(type: UInt8, body: ArraySlice<UInt8>)
}

/// Chunk sizes for controller bytes; 0 is the whole payload in one `receive`.
let chunkSizes = [0, 1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 31, 64, 100, 512, 0]

/// Time steps, in milliseconds, around the agent's and datapath's periods (echo 5 s,
/// echo timeout 15 s, handshake 10 s, buffers 5 s, MAC aging 300 s).
let tickMilliseconds: [UInt64] = [
    1, 10, 100, 500, 999, 1000, 1001, 1500, 2000, 3000, 4000, 4999,
    5000, 5001, 6000, 9000, 10_000, 14_999, 15_000, 16_000, 30_000, 60_000, 300_001, 3_600_000,
]

/// Time passing without a tick.
let lateMilliseconds: [UInt64] = [1, 1000, 5001, 15_001]

/// The port a byte names: 0...7 below 0x80 (1...4 exist, 0 is no port), the byte
/// itself from 0x80 (physical numbers the switch lacks), 0xFFF0...0xFFFF from 0xF0
/// (IN_PORT, TABLE, NORMAL, FLOOD, ALL, CONTROLLER, LOCAL, NONE and below).
func portNumber(_ byte: UInt8) -> PortNumber {
    if byte >= 0xF0 { return PortNumber(0xFF00 | UInt16(byte)) }
    if byte >= 0x80 { return PortNumber(UInt16(byte)) }
    return PortNumber(UInt16(byte & 7))
}

struct StepReader {
    var bytes: ArraySlice<UInt8>

    mutating func next() -> Step? {
        guard let op = bytes.popFirst() else { return nil }
        let arg = Int(op >> 3)
        switch op & 7 {
        case 0, 1:
            return .bytes(passive: op & 7 == 1, chunk: chunkSizes[arg & 15], raw: arg & 16 != 0, payload())
        case 2:
            let port = portNumber(bytes.popFirst() ?? 1)
            return .frame(port: port, repeats: max(arg & 3, 1), spaced: arg & 4 != 0, payload())
        case 3:
            if arg < tickMilliseconds.count { return .tick(milliseconds: tickMilliseconds[arg], late: 0, tick: true) }
            if arg < 28 { return .tick(milliseconds: nil, late: UInt64(arg - 24), tick: true) }
            return .tick(milliseconds: lateMilliseconds[arg - 28], late: 0, tick: false)
        case 4:
            return .drain(which: arg & 3, take: (arg >> 2) & 3, closures: arg & 16 != 0)
        case 5:
            return .connection(ConnectionOp(rawValue: arg % 12)!)
        case 6:
            let port = portNumber(bytes.popFirst() ?? 1)
            return .port(PortOp(rawValue: arg % 8)!, port, value: bytes.popFirst() ?? 0)
        default:
            return .typed(type: UInt8(arg), body: payload())
        }
    }

    private mutating func payload() -> ArraySlice<UInt8> {
        let high = Int(bytes.popFirst() ?? 0)
        let low = Int(bytes.popFirst() ?? 0)
        let count = min(high << 8 | low, bytes.count)
        let payload = bytes.prefix(count)
        bytes = bytes.dropFirst(count)
        return payload
    }
}

/// Writes scripts in the input format, for the seeds.
struct SwitchScript {
    var bytes: [UInt8]

    init(_ config: RunConfig = []) { bytes = [config.rawValue] }

    private mutating func op(_ kind: UInt8, _ arg: Int) { bytes.append(kind | UInt8(arg & 31) << 3) }

    private mutating func payload(_ data: [UInt8]) {
        bytes += [UInt8(data.count >> 8 & 0xFF), UInt8(data.count & 0xFF)] + data
    }

    /// Messages from the active controller (or the passive peer), in chunks of
    /// `chunkSizes[chunk]` bytes.
    mutating func send(_ messages: [Message], xid: UInt32 = 0x100, chunk: Int = 0, raw: Bool = false, passive: Bool = false) {
        var data: [UInt8] = []
        for (n, message) in messages.enumerated() {
            data += try! OpenFlowMessage(xid: xid + UInt32(n), message).encoded()
        }
        sendRaw(data, chunk: chunk, raw: raw, passive: passive)
    }

    mutating func send(_ message: Message, xid: UInt32 = 0x100, chunk: Int = 0, passive: Bool = false) {
        send([message], xid: xid, chunk: chunk, passive: passive)
    }

    mutating func sendRaw(_ data: [UInt8], chunk: Int = 0, raw: Bool = false, passive: Bool = false) {
        op(passive ? 1 : 0, chunk | (raw ? 16 : 0))
        payload(data)
    }

    /// A body framed by the harness as a message of `type`.
    mutating func typed(_ type: UInt8, _ body: [UInt8]) {
        op(7, Int(type))
        payload(body)
    }

    /// `port` is the port byte (see `portNumber(_:)`).
    mutating func frame(_ frame: [UInt8], port: UInt8, repeats: Int = 1, spaced: Bool = false) {
        op(2, repeats & 3 | (spaced ? 4 : 0))
        bytes.append(port)
        payload(frame)
    }

    /// Advances by `tickMilliseconds[index]`.
    mutating func tick(_ index: Int) { op(3, index) }

    /// `late` (0...3) ms past the next deadline.
    mutating func tickToDeadline(late: Int = 0) { op(3, 24 + min(late, 3)) }

    /// Advances by `lateMilliseconds[index]` without a tick.
    mutating func pass(_ index: Int) { op(3, 28 + min(index, 3)) }

    mutating func drain(which: Int = 0, take: Int = 0, closures: Bool = true) {
        op(4, which | take << 2 | (closures ? 16 : 0))
    }

    mutating func connection(_ step: ConnectionOp) { op(5, step.rawValue) }

    /// `value`: the config bits of `addWithConfig`, the drops of `noteErrors`.
    mutating func port(_ step: PortOp, _ port: UInt8, value: UInt8 = 0) {
        op(6, step.rawValue)
        bytes += [port, value]
    }
}

// MARK: The run

/// What the I/O layer knows of one connection, and a check of everything it was sent.
struct Connection {
    let id: ChannelID
    let role: ChannelRole
    var output = OutputCheck()
}

/// Frames and decodes everything the agent queues on a connection.
struct OutputCheck {
    var framer = Framer(capacity: 512)
    var messages = 0

    mutating func take(_ bytes: UnsafeRawBufferPointer, _ name: String) {
        framer.append(bytes)
        while true {
            let frame: ArraySlice<UInt8>
            do throws(OpenFlowError) {
                guard let next = try framer.next() else { return }
                frame = next
            } catch {
                fatalError("\(name): the agent's output does not frame: \(error)")
            }
            let message: OpenFlowMessage
            do throws(OpenFlowError) {
                message = try OpenFlowMessage.decode(frame)
            } catch {
                fatalError("\(name): the agent sent a message that does not decode (\(error)): \(hex(frame))")
            }
            check(message.version == 1, "\(name): the agent sent version \(message.version)")
            check(messages > 0 || message.type == .hello, "\(name): the first message is not HELLO: \(hex(frame))")
            messages += 1
            trace("  \(name) <- \(message.type.specName ?? "?") xid \(message.xid) \(frame.count) bytes\(summary(message))")
            if case .error(let error) = message.message, error.code.type != .helloFailed {
                // The spec's answer: the offending message's xid and at most its first 64
                // bytes, and never an answer to an OFPT_ERROR.
                let data = error.data
                check(data.count <= 64, "\(name): error data longer than 64 bytes: \(hex(frame))")
                check(data.count < 2 || data[data.startIndex + 1] != 1, "\(name): an OFPT_ERROR answered an OFPT_ERROR: \(hex(frame))")
                if data.count >= 8 {
                    let xid = data.dropFirst(4).prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                    check(xid == message.xid, "\(name): error xid \(message.xid) is not the offending message's \(xid): \(hex(frame))")
                }
            }
            if case .packetIn(let packetIn) = message.message {
                let total = Int(packetIn.totalLength)
                check(packetIn.data.count <= total, "\(name): packet_in data longer than total_len: \(hex(frame))")
                check(
                    packetIn.bufferID != BufferID.none || packetIn.data.count == total || total == 0xFFFF,
                    "\(name): unbuffered packet_in not whole: \(hex(frame))")
            }
        }
    }
}

struct SwitchRun {
    let config: RunConfig
    var agent: SwitchAgent
    var now = Instant.zero
    /// Open connections, in the order they were opened (as `agent.connections`).
    var connections: [Connection] = []
    /// The last active connection opened, open or not: bytes for the active connection
    /// go here when none is open.
    var lastActive = ChannelID(0)
    var nextID: UInt64 = 1
    var xid: UInt32 = 0x8000_0000

    static let hello: [UInt8] = try! OpenFlowMessage(xid: 1, .hello(Hello())).encoded()

    static func queues(_ port: UInt16) -> [PortQueue] {
        switch port {
        case 1: [PortQueue(queueID: 1, minRate: 100), PortQueue(queueID: 2)]
        case 2: [PortQueue(queueID: 7, minRate: 1000)]
        default: []
        }
    }

    static func phyPort(_ number: PortNumber, config: PortConfig = []) -> PhyPort {
        PhyPort(
            portNumber: number, hardwareAddress: MACAddress(rawValue: 0x0A_00_00_00_00_00 | UInt64(number.rawValue)),
            name: "eth" + String(number.rawValue), config: config, current: [.rate1GbFD, .copper],
            advertised: [.rate1GbFD], supported: [.rate1GbFD, .rate100MbFD])
    }

    init(_ config: RunConfig) {
        self.config = config
        var settings = DatapathSettings()
        settings.datapathID = 0x0000_0A00_0000_0001
        settings.tableCapacity = config.contains(.tinyLimits) ? 8 : 32
        settings.emergencyCapacity = config.contains(.tinyLimits) ? 1 : 4
        settings.bufferCount = config.contains(.noBuffers) ? 0 : config.contains(.tinyLimits) ? 1 : 8
        settings.macTableCapacity = config.contains(.tinyLimits) ? 2 : 16
        settings.asyncOutputLimit = config.contains(.tinyLimits) ? 600 : 1 << 17
        settings.arenaCapacity = 2048
        var datapath = Datapath(settings: settings)
        for n: UInt16 in 1...4 { datapath.addPort(Self.phyPort(PortNumber(n)), queues: Self.queues(n)) }
        if config.contains(.localPort) { datapath.addPort(Self.phyPort(.local)) }
        datapath.clearAsyncOutput()

        var agentSettings = AgentSettings()
        agentSettings.failMode = config.contains(.standalone) ? .standalone : .secure
        agentSettings.controllers =
            config.contains(.listenerOnly) ? [] : config.contains(.twoControllers) ? ["tcp:fuzz:0", "tcp:fuzz:1"] : ["tcp:fuzz:0"]
        agentSettings.bufferCapacity = 512
        agentSettings.outputHighWater = 4096
        agentSettings.outputLimit = config.contains(.tinyLimits) ? 2048 : 1 << 18
        agentSettings.maximumReplyLength = config.contains(.shortReplies) ? 256 : 65535
        agentSettings.logLimit = 64
        agent = SwitchAgent(datapath: datapath, settings: agentSettings)

        // Controller 0 is due at once; it connects and says HELLO; the agent's HELLO is read.
        if config.contains(.listenerOnly) {
            check(agent.nextConnectAttempt(now: now) == nil, "a connection attempt with no controller configured")
            open(.passive, hello: true)
        } else {
            guard agent.nextConnectAttempt(now: now) == 0 else { fatalError("controller 0 not due at start") }
            open(.active(controller: 0), hello: true)
        }
        drain(which: 0, take: 0)
        check(agent.isControllerConnected != config.contains(.listenerOnly), "wrong controller state after HELLO")
    }

    mutating func perform(_ step: Step) {
        switch step {
        case .bytes(let passive, let chunk, let raw, let data):
            let id = passive ? passiveID() : activeID
            deliver(data, to: id, chunk: chunk, raw: raw)
        case .typed(let type, let body):
            let length = min(8 + body.count, 0xFFFF)
            xid &+= 1
            var message: [UInt8] = [1, type, UInt8(length >> 8), UInt8(length & 0xFF)]
            message += [UInt8(xid >> 24), UInt8(xid >> 16 & 0xFF), UInt8(xid >> 8 & 0xFF), UInt8(xid & 0xFF)]
            message += body.prefix(length - 8)
            deliver(message[...], to: activeID, chunk: 0, raw: false)
        case .frame(let port, let repeats, let spaced, let frame):
            for _ in 0..<repeats {
                agent.receiveFrame(frame, inPort: port, now: now)
                checkTransmissions()
                if spaced { advance(by: 1) }
            }
        case .tick(let milliseconds, let late, let tick):
            if let milliseconds {
                now = now + .milliseconds(milliseconds)
            } else if let deadline = agent.nextDeadline, deadline > now {
                now = deadline + .milliseconds(late)
            } else {
                now = now + .milliseconds(late + 1)
            }
            if tick { agent.tick(now: now) }
        case .drain(let which, let take, let closures):
            drain(which: which, take: take)
            if closures { serviceClosures() }
        case .connection(let op):
            connection(op)
        case .port(let op, let port, let value):
            portStep(op, port, value: value)
        }
        agent.drainLog { check(!$0.message.isEmpty, "empty log record") }
    }

    /// The end of the script: everything the agent wants closed is closed, and all
    /// output is read and checked.
    mutating func finish() {
        serviceClosures()
        drain(which: 0, take: 0)
        checkConnections()
    }

    // MARK: Connections

    var activeID: ChannelID {
        if let connection = connections.first(where: { $0.role.isActive }) { return connection.id }
        if config.contains(.listenerOnly), let connection = connections.first { return connection.id }
        return lastActive
    }

    mutating func passiveID() -> ChannelID {
        if let connection = connections.first(where: { !$0.role.isActive }) { return connection.id }
        return open(.passive, hello: true)
    }

    @discardableResult
    mutating func open(_ role: ChannelRole, hello: Bool) -> ChannelID {
        let id = ChannelID(nextID)
        nextID += 1
        agent.connectionOpened(id, role: role, now: now)
        connections.append(Connection(id: id, role: role))
        if role.isActive { lastActive = id }
        if hello { deliver(Self.hello[...], to: id, chunk: 0, raw: false) }
        return id
    }

    mutating func close(_ id: ChannelID) {
        connections.removeAll { $0.id == id }
        agent.connectionClosed(id, now: now)
    }

    mutating func connection(_ op: ConnectionOp) {
        switch op {
        case .closeActive:
            if let connection = connections.first(where: { $0.role.isActive }) { close(connection.id) }
        case .reconnect, .reconnectSilent:
            while let index = agent.nextConnectAttempt(now: now) {
                open(.active(controller: index), hello: op == .reconnect)
            }
        case .refuse:
            while let index = agent.nextConnectAttempt(now: now) {
                agent.connectFailed(controller: index, now: now)
            }
        case .openPassive, .openPassiveSilent:
            if !connections.contains(where: { !$0.role.isActive }) { open(.passive, hello: op == .openPassive) }
        case .openAnotherPassive:
            open(.passive, hello: true)
        case .closePassive:
            if let connection = connections.first(where: { !$0.role.isActive }) { close(connection.id) }
        case .serviceClosures:
            serviceClosures()
        case .duplicateOpen:
            if let connection = connections.first {
                agent.connectionOpened(connection.id, role: connection.role, now: now)
            }
        case .unknownID:
            let id = ChannelID(nextID + 1000)
            agent.receive(id, Self.hello[...], now: now)
            checkTransmissions()
            agent.connectionClosed(id, now: now)
            check(!agent.hasOutput(id) && agent.outputCount(id) == 0 && agent.wantsInput(id), "output for an unknown connection")
        case .closeAll:
            for connection in connections { close(connection.id) }
        }
    }

    /// Closes what the agent asked to close, after reading its output.
    mutating func serviceClosures() {
        while let id = agent.nextClosure() {
            guard let index = connections.firstIndex(where: { $0.id == id }) else {
                fatalError("nextClosure named \(id.rawValue), which is not open")
            }
            drain(index, take: 0)
            close(id)
        }
    }

    /// The agent has exactly the connections opened and not closed, in order.
    func checkConnections() {
        check(agent.connections == connections.map(\.id), "the agent's connections differ from the I/O layer's")
        let counters = agent.counters
        check(counters.connections == connections.count && counters.controllersUp <= counters.connections, "connection counters")
        check(agent.isControllerConnected == (counters.controllersUp > 0), "isControllerConnected and controllersUp disagree")
        _ = agent.nextDeadline
    }

    // MARK: Input and output

    mutating func deliver(_ data: ArraySlice<UInt8>, to id: ChannelID, chunk: Int, raw: Bool) {
        var rest = data
        repeat {
            let piece = chunk == 0 ? rest : rest.prefix(chunk)
            rest = rest.dropFirst(piece.count)
            if raw {
                piece.withUnsafeBytes { agent.receive(id, $0, now: now) }
            } else {
                agent.receive(id, piece, now: now)
            }
            checkTransmissions()
            _ = agent.wantsInput(id)
        } while !rest.isEmpty
    }

    /// `which`: 0 or 3 all connections, 1 the active ones, 2 the passive ones. `take`:
    /// the socket takes everything (0), nothing (1), one byte (2), half (3).
    mutating func drain(which: Int, take: Int) {
        for index in connections.indices {
            let active = connections[index].role.isActive
            if which == 1 && !active || which == 2 && active { continue }
            drain(index, take: take)
        }
    }

    mutating func drain(_ index: Int, take: Int) {
        let id = connections[index].id
        let name = "connection \(id.rawValue)"
        var output = connections[index].output
        connections[index].output = OutputCheck()  // unique, so appending does not copy
        let before = agent.outputCount(id)
        var taken = 0
        agent.withOutput(id) { unsent in
            let count = [unsent.count, 0, min(1, unsent.count), unsent.count / 2][take]
            output.take(UnsafeRawBufferPointer(rebasing: unsent[..<count]), name)
            taken = count
            return count
        }
        check(agent.outputCount(id) == before - taken, "withOutput kept the wrong bytes")
        connections[index].output = output
    }

    /// The frames the last call produced, both ways, agree and leave through ports and
    /// queues the datapath has.
    mutating func checkTransmissions() {
        var sent: [(PortNumber, UInt32?, [UInt8])] = []
        agent.forEachTransmission { port, queueID, frame in sent.append((port, queueID, Array(frame))) }
        for (port, queueID, frame) in sent {
            trace("  port \(port.rawValue)\(queueID.map { " queue " + String($0) } ?? "") <- \(frame.count) bytes")
        }
        let list = agent.transmissions
        check(list.count == sent.count, "transmissions and forEachTransmission disagree on the count")
        for (transmission, (port, queueID, frame)) in zip(list, sent) {
            check(
                transmission.port == port && transmission.queueID == queueID && transmission.frame.elementsEqual(frame),
                "transmissions and forEachTransmission disagree")
            guard let switchPort = agent.datapath.port(port) else {
                fatalError("a frame was sent to port \(port.rawValue), which the datapath does not have")
            }
            if let queueID {
                check(
                    switchPort.queues.contains { $0.queueID == queueID },
                    "a frame was sent to queue \(queueID) of port \(port.rawValue), which lacks it")
            }
        }
    }

    // MARK: Time and ports

    /// Time passes, with its tick.
    mutating func advance(by milliseconds: UInt64) {
        now = now + .milliseconds(milliseconds)
        agent.tick(now: now)
    }

    mutating func portStep(_ op: PortOp, _ port: PortNumber, value: UInt8) {
        let queues = Self.queues(port.rawValue)
        agent.withDatapath { datapath in
            switch op {
            case .linkDown: datapath.setLinkDown(port, true)
            case .linkUp: datapath.setLinkDown(port, false)
            case .remove: datapath.removePort(port)
            case .add: datapath.addPort(Self.phyPort(port), queues: queues)
            case .noteErrors: datapath.notePortErrors(port, rx: 1, tx: 2, rxDropped: 3, txDropped: UInt64(value))
            case .addWithConfig:
                datapath.addPort(Self.phyPort(port, config: PortConfig(rawValue: UInt32(value))), queues: queues)
            case .featuresAgree:
                let features = datapath.features
                check(features.ports.map(\.portNumber) == datapath.ports.map(\.number), "features and ports differ")
            case .removeAndAdd:
                datapath.removePort(port)
                datapath.addPort(Self.phyPort(port), queues: queues)
            }
        }
    }
}

/// The detail worth a trace line: error codes, packet_in reasons, stats types.
func summary(_ message: OpenFlowMessage) -> String {
    switch message.message {
    case .error(let error): ": " + error.code.specName
    case .packetIn(let packetIn): ": \(packetIn.reason) buffer \(packetIn.bufferID) in_port \(packetIn.inPort.rawValue) \(packetIn.data.count)/\(packetIn.totalLength)"
    case .flowRemoved(let removed): ": \(removed.reason)"
    case .portStatus(let status): ": \(status.reason) port \(status.port.portNumber.rawValue)"
    case .statsReply(let reply): ": \(reply.body.type) flags \(reply.flags.rawValue)"
    default: ""
    }
}

/// `precondition` that keeps its message in -O builds, so the crash log says what broke.
func check(_ condition: Bool, _ message: @autoclosure () -> String = "") {
    if !condition { fatalError(message()) }
}

func hex(_ bytes: ArraySlice<UInt8>) -> String {
    var text = ""
    for byte in bytes {
        text += String(byte >> 4, radix: 16) + String(byte & 0xF, radix: 16)
    }
    return text
}
