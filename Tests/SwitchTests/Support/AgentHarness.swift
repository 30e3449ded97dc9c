import OpenFlow
import Scheduler
import Switch
import Testing

/// The switch agent driven by scripted peers over in-memory connections, on a virtual
/// clock: tests send messages (or raw bytes) as a controller would and read back what
/// the agent queued for each connection.
struct AgentHarness {
    var agent: SwitchAgent
    var now = Instant.zero
    /// Connections the agent asked to close, in order.
    var closedByAgent: [ChannelID] = []
    private var lastXID: UInt32 = 0x1000

    init(ports: Int = 3, datapath settings: DatapathSettings = DatapathSettings(), agent agentSettings: AgentSettings = AgentSettings(),
         queues: [UInt16: [PortQueue]] = [:]) {
        var datapath = Datapath(settings: settings)
        for n in 1...UInt16(ports) { datapath.addPort(Fixture.port(n), queues: queues[n] ?? []) }
        datapath.clearAsyncOutput()
        agent = SwitchAgent(datapath: datapath, settings: agentSettings)
    }

    /// Opens a connection; with `hello`, the peer says HELLO and the agent's HELLO is read.
    @discardableResult
    mutating func open(_ id: UInt64, role: ChannelRole = .passive, hello: Bool = true) -> ChannelID {
        let channel = ChannelID(id)
        agent.connectionOpened(channel, role: role, now: now)
        if hello {
            send(channel, .hello(Hello()))
            let greeting = take(channel)
            #expect(greeting.first?.type == .hello)
        }
        return channel
    }

    @discardableResult
    mutating func send(_ id: ChannelID, _ message: Message, xid: UInt32? = nil) -> UInt32 {
        let xid = xid ?? nextXID()
        sendRaw(id, try! OpenFlowMessage(xid: xid, message).encoded())
        return xid
    }

    mutating func sendRaw(_ id: ChannelID, _ bytes: [UInt8]) {
        agent.receive(id, bytes[...], now: now)
        collectClosures()
    }

    /// Sends `message` and returns everything the agent queued on that connection.
    mutating func request(_ id: ChannelID, _ message: Message, xid: UInt32? = nil) -> [OpenFlowMessage] {
        send(id, message, xid: xid)
        return take(id)
    }

    /// Decodes and removes what the agent queued for `id`.
    mutating func take(_ id: ChannelID) -> [OpenFlowMessage] {
        var bytes: [UInt8] = []
        agent.withOutput(id) { unsent in
            bytes = Array(unsent)
            return unsent.count
        }
        return Decode.all(bytes)
    }

    mutating func frame(_ bytes: [UInt8], inPort: UInt16) -> [Sent] {
        agent.receiveFrame(bytes[...], inPort: PortNumber(inPort), now: now)
        return sent
    }

    var sent: [Sent] {
        agent.transmissions.map { Sent(port: $0.port.rawValue, frame: Array($0.frame), queueID: $0.queueID) }
    }

    /// Moves the clock to `instant`, ticking at every deadline on the way.
    mutating func advance(to instant: Instant) {
        for _ in 0..<10_000 {
            guard let deadline = agent.nextDeadline, deadline > now, deadline <= instant else { break }
            now = deadline
            agent.tick(now: now)
            collectClosures()
        }
        now = instant
        agent.tick(now: now)
        collectClosures()
    }

    mutating func collectClosures() {
        while let id = agent.nextClosure() { closedByAgent.append(id) }
    }

    /// The peer or the I/O layer closed `id`.
    mutating func close(_ id: ChannelID) {
        agent.connectionClosed(id, now: now)
    }

    private mutating func nextXID() -> UInt32 {
        lastXID += 1
        return lastXID
    }
}
