import OpenFlow
import Scheduler

/// The sans-IO switch agent: the datapath plus its OpenFlow connections. Bytes, frames
/// and instants in; bytes per connection, frames to send, connection requests and log
/// records out. It owns no socket and reads no clock.
///
/// The I/O layer's part, mirroring the controller core's:
/// - connections: `connectionOpened` (an active one after `nextConnectAttempt` asked
///   for it, or one accepted on the listener), `receive` for every chunk read; write
///   what `withOutput` offers and report how much the socket took; close every
///   connection `nextClosure` names (after flushing what it can) and report every close,
///   and every failed attempt (`connectFailed`);
/// - frames: `receiveFrame` for each frame a port delivers; after that call and after
///   `receive`, send every entry of `transmissions` (the next call forgets them);
/// - time: call `tick` when `nextDeadline` passes; `drainLog` now and then.
///
/// Asynchronous messages (packet_in, flow_removed, port_status) go to every active
/// controller connection past HELLO, each before the answer to the next request.
public struct SwitchAgent {
    public internal(set) var datapath: Datapath
    public let settings: AgentSettings
    var sessions: [AgentSession] = []
    var connectors: [ControllerConnector]
    var closures: [ChannelID] = []
    var logQueue: LogQueue
    var totals = AgentCounters()
    var lastXID: UInt32 = 0

    public init(datapath: Datapath, settings: AgentSettings = AgentSettings()) {
        self.datapath = datapath
        self.settings = settings
        logQueue = LogQueue(limit: settings.logLimit)
        connectors = settings.controllers.map { _ in ControllerConnector(initialBackoff: settings.reconnectInitial) }
        updateMode()
    }

    public var counters: AgentCounters {
        var counters = totals
        counters.connections = sessions.count
        counters.controllersUp = sessions.count { $0.isActiveUp }
        counters.logRecordsDropped = logQueue.dropped
        return counters
    }

    /// True while an active controller connection is past HELLO.
    public var isControllerConnected: Bool { sessions.contains { $0.isActiveUp } }

    /// Open connections, in the order they were opened.
    public var connections: [ChannelID] { sessions.map { $0.id } }

    // MARK: Output

    public func hasOutput(_ id: ChannelID) -> Bool { outputCount(id) > 0 }

    /// Unsent bytes queued for a connection.
    public func outputCount(_ id: ChannelID) -> Int {
        sessionIndex(id).map { sessions[$0].output.count } ?? 0
    }

    /// False while the connection's unsent output is above the high-water mark: stop
    /// reading it until it drains, so TCP pushes back on the peer.
    public func wantsInput(_ id: ChannelID) -> Bool { outputCount(id) < settings.outputHighWater }

    /// Lends the connection's unsent bytes to `write`, which returns how many the socket
    /// took; those are dropped from the front and the rest stay queued.
    public mutating func withOutput<E: Error>(_ id: ChannelID, _ write: (UnsafeRawBufferPointer) throws(E) -> Int) throws(E) {
        guard let index = sessionIndex(id) else { return }
        let written = try sessions[index].output.withUnsent(write)
        sessions[index].output.consume(written)
    }

    // MARK: Frames

    /// A frame received on a port; see `Datapath.receive(frame:inPort:now:)`. Any
    /// packet_in it causes is queued to the controllers.
    public mutating func receiveFrame(_ frame: ArraySlice<UInt8>, inPort: PortNumber, now: Instant) {
        datapath.receive(frame: frame, inPort: inPort, now: now)
        distributeAsync()
    }

    /// Frames the last `receive` or `receiveFrame` produced.
    public var transmissions: TransmissionList { datapath.transmissions }

    /// The same frames as raw bytes, without touching reference counts: the port
    /// backend's way to send them (see `Datapath.forEachTransmission`).
    public mutating func forEachTransmission(_ body: (_ port: PortNumber, _ queueID: UInt32?, _ frame: UnsafeRawBufferPointer) -> Void) {
        datapath.forEachTransmission(body)
    }

    /// Changes the datapath in place (ports added, removed or changed, settings read),
    /// then queues the messages that caused to the controllers.
    public mutating func withDatapath<R>(_ body: (inout Datapath) -> R) -> R {
        let result = body(&datapath)
        distributeAsync()
        return result
    }

    // MARK: Time

    /// When `tick` next has work: a connection's handshake, echo or timeout, a flow or
    /// buffer expiry, or a reconnect attempt.
    public var nextDeadline: Instant? {
        var deadline = datapath.nextDeadline
        for session in sessions { deadline = earliest(deadline, session.channel.nextDeadline) }
        for connector in connectors { deadline = earliest(deadline, connector.wakeup) }
        return deadline
    }

    /// Does what is due at `now`: flow and buffer expiry (FLOW_REMOVED), echoes and
    /// connection timeouts. Harmless to call early or often.
    public mutating func tick(now: Instant) {
        datapath.tick(now: now)
        distributeAsync()
        for index in sessions.indices { tickSession(index, now: now) }
        updateMode()
    }

    /// Hands every queued log record to `body`, oldest first.
    public mutating func drainLog(_ body: (LogRecord) -> Void) {
        logQueue.drain(body)
    }

    // MARK: Internals shared by the extensions

    func sessionIndex(_ id: ChannelID) -> Int? { sessions.firstIndex { $0.id == id } }

    mutating func nextXID() -> UInt32 {
        lastXID &+= 1
        return lastXID
    }

    mutating func log(_ level: LogLevel, _ message: String) {
        logQueue.append(level, message)
    }

    @discardableResult
    mutating func write(_ message: OpenFlowMessage, to index: Int) -> Bool {
        guard sessions[index].write(message, limit: settings.outputLimit) else {
            totals.outputDrops &+= 1
            return false
        }
        return true
    }

    /// Decides to close a connection: input is ignored from here.
    mutating func close(_ index: Int, _ level: LogLevel, _ reason: String) {
        guard sessions[index].channel.close() else { return }
        closures.append(sessions[index].id)
        log(level, sessions[index].name + " closing: " + reason)
        updateMode()
    }

    /// Copies the datapath's asynchronous messages to every active controller
    /// connection past HELLO (only PORT_STATUS to slaves), then forgets them.
    mutating func distributeAsync() {
        guard datapath.hasAsyncOutput else { return }
        do {
            let bytes = datapath.asyncOutput
            for index in sessions.indices where sessions[index].isActiveUp {
                let written =
                    sessions[index].controllerRole == .slave
                    ? writePortStatus(from: bytes, to: index)
                    : sessions[index].write(encoded: bytes, limit: settings.outputLimit)
                if !written { totals.outputDrops &+= 1 }
            }
        }
        datapath.clearAsyncOutput()
    }

    /// The forwarding mode follows the controller connections and the fail mode; with
    /// no controller configured the fail mode does not apply.
    mutating func updateMode() {
        let mode: ForwardingMode
        if isControllerConnected {
            mode = .controller
        } else if settings.controllers.isEmpty {
            // Nothing to fail over from: a switch driven only through its listener.
            mode = .normalOnMiss
        } else {
            mode = settings.failMode == .secure ? .failSecure : .failStandalone
        }
        guard datapath.mode != mode else { return }
        datapath.mode = mode
        switch mode {
        case .controller: log(.info, "controller connected")
        case .failSecure: log(.warning, "no controller: fail-secure (flows kept, misses dropped)")
        case .failStandalone: log(.warning, "no controller: fail-standalone (learning switch)")
        case .normalOnMiss: log(.info, "no controller configured: misses take the NORMAL path")
        }
    }

    private mutating func tickSession(_ index: Int, now: Instant) {
        switch sessions[index].channel.tick(now: now) {
        case .none:
            break
        case .sendEchoRequest:
            write(OpenFlowMessage(xid: nextXID(), .echoRequest(Echo())), to: index)
        case .handshakeTimedOut:
            close(index, .warning, "no HELLO")
        case .peerSilent(let silence):
            close(index, .warning, "no message for " + String(silence.nanoseconds / 1_000_000) + " ms")
        }
    }
}
