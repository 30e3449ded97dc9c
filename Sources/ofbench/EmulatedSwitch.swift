import LinuxPlatform
import OpenFlow
import Scheduler

/// The protocol side of one emulated switch, free of sockets: the controller's messages
/// go in, replies and probes are appended to an outbound buffer, responses are counted.
/// It behaves as cbench's fake switch does, message for message.
struct EmulatedSwitch {
    enum Stage: Equatable {
        /// Waiting for FEATURES_REQUEST.
        case handshake
        /// Features sent; holding still for `--delay` before the test.
        case delayed(until: Instant)
        /// Sending probes and counting responses.
        case ready
    }

    /// cbench fills each switch's buffer to this many bytes in throughput mode.
    static let throughputBuffer = 1 << 16

    let datapathID: UInt64
    private let settings: Settings
    /// How long to hold still after FEATURES_REPLY (`--delay`, for the first test only).
    private let delay: Interval
    private let probe: Probe
    private(set) var stage = Stage.handshake
    /// Whether the benchmark is inside a test loop: probes go out and responses count.
    var active = false
    /// Responses counted since the loop began.
    private(set) var count = 0
    /// Probes sent and not yet answered (latency mode keeps this at most 1).
    private var outstanding = 0
    private var xid: UInt32 = 1
    private var macIndex: UInt32 = 0
    private var bufferID: UInt32 = 1
    private var config = SwitchConfig(flags: .fragNormal, missSendLength: 0)

    init(datapathID: UInt64, settings: Settings, delay: Interval) throws(OpenFlowError) {
        self.datapathID = datapathID
        self.settings = settings
        self.delay = delay
        probe = try Probe(datapathID: datapathID)
    }

    /// The HELLO a switch sends as soon as it connects.
    func greet(into output: inout OutboundBuffer) throws(OpenFlowError) {
        try output.append { (bytes) throws(OpenFlowError) in try OpenFlowMessage(xid: 1, .hello(Hello())).append(to: &bytes) }
    }

    /// Starts a test loop: counters from zero, as cbench resets them.
    mutating func beginLoop() {
        count = 0
        outstanding = 0
        active = true
    }

    /// Moves past a finished delay, then queues probes: one when none is in flight
    /// (latency), or enough to fill the buffer (throughput). Returns when to call
    /// again if a delay is running.
    mutating func produce(into output: inout OutboundBuffer, now: Instant) throws(OpenFlowError) -> Instant? {
        if case .delayed(let until) = stage {
            guard now >= until else { return until }
            try becomeReady(&output)
        }
        guard stage == .ready, active else { return nil }
        switch settings.mode {
        case .latency:
            guard outstanding == 0 else { return nil }
            queueProbes(1, into: &output)
        case .throughput:
            let room = Self.throughputBuffer - output.count
            if room >= Probe.length { queueProbes(room / Probe.length, into: &output) }
        }
        return nil
    }

    private mutating func queueProbes(_ probes: Int, into output: inout OutboundBuffer) {
        output.append { bytes in
            var offset = bytes.count
            bytes.append(contentsOf: repeatElement(0, count: probes * Probe.length))
            bytes.withUnsafeMutableBytes { raw in
                for _ in 0..<probes {
                    probe.write(into: raw, at: offset, xid: xid, bufferID: bufferID, macIndex: macIndex)
                    offset += Probe.length
                    xid &+= 1
                    macIndex = (macIndex + 1) % UInt32(settings.macsPerSwitch)
                    bufferID = (bufferID + 1) % Probe.bufferIDLimit
                }
            }
        }
        outstanding += probes
    }

    private mutating func becomeReady(_ output: inout OutboundBuffer) throws(OpenFlowError) {
        if settings.learnDestinationMACs {
            let announcement = DestinationAnnouncement.message(datapathID: datapathID, xid: xid)
            xid &+= 1
            try output.append { (bytes) throws(OpenFlowError) in try announcement.append(to: &bytes) }
        }
        stage = .ready
        count = 0
        outstanding = 0
        debug("ready to send")
    }

    /// Handles every whole message `bytes` completes in `stream`.
    mutating func receive(_ bytes: UnsafeRawBufferPointer, through stream: inout MessageStream, into output: inout OutboundBuffer, now: Instant) throws(OpenFlowError) {
        try stream.receive(bytes) { (message) throws(OpenFlowError) in try handle(message, into: &output, now: now) }
    }

    /// Counts a response where it lies; decodes anything else (rare) from a copy.
    private mutating func handle(_ raw: UnsafeRawBufferPointer, into output: inout OutboundBuffer, now: Instant) throws(OpenFlowError) {
        if ResponseRule.mayCount(raw) {
            if stage == .ready, active, ResponseRule.counts(raw) {
                count += 1
                // More answers than probes (flow_mod + packet_out each) is not a debt.
                outstanding = max(outstanding - 1, 0)
            }
            return
        }
        let type = MessageType(rawValue: raw[1])
        let bytes = [UInt8](raw)[...]
        let message: OpenFlowMessage
        do throws(OpenFlowError) { message = try OpenFlowMessage.decode(bytes) } catch {
            Console.note("ofbench: switch \(datapathID): ignoring a malformed \(type.specName ?? "type \(type.rawValue)") message (\(error))\n")
            return
        }
        let xid = message.xid
        switch message.message {
        case .hello:
            debug("got hello")
        case .featuresRequest:
            debug("got features_request")
            try reply(.featuresReply(SwitchDescription.features(datapathID: datapathID)), xid: xid, &output)
            if delay > .zero {
                stage = .delayed(until: now + delay)
            } else {
                try becomeReady(&output)
            }
        case .setConfig(let newConfig):
            config = newConfig
        case .getConfigRequest:
            try reply(.getConfigReply(config), xid: xid, &output)
            resetProbeIfBlocked()
        case .echoRequest(let echo):
            try reply(.echoReply(echo), xid: xid, &output)
        case .barrierRequest:
            try reply(.barrierReply, xid: xid, &output)
        case .statsRequest(let request):
            try reply(SwitchDescription.statsReply(to: request), xid: xid, &output)
            if request.body == .desc { resetProbeIfBlocked() }
        case .vendor:
            try reply(.error(ErrorMessage(code: .badVendor, answering: bytes)), xid: xid, &output)
            // NOX ignores packet_ins until it has had this answer (cbench's note).
            outstanding = 0
        default:
            Console.note("Ignoring OpenFlow message type \(type.rawValue)\n")
        }
    }

    /// Some controllers hold packet_ins until their configuration requests are
    /// answered, so cbench lets a probe sent before that go unanswered.
    private mutating func resetProbeIfBlocked() {
        if settings.mode == .latency, outstanding == 1 { outstanding = 0 }
    }

    private func reply(_ message: Message, xid: UInt32, _ output: inout OutboundBuffer) throws(OpenFlowError) {
        try output.append { (bytes) throws(OpenFlowError) in try OpenFlowMessage(xid: xid, message).append(to: &bytes) }
    }

    private func debug(_ text: String) {
        if settings.debug { Console.note("-------Switch \(datapathID): \(text)\n") }
    }
}
