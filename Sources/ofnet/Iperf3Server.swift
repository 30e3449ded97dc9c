import Devices
import Logging
import Scheduler

/// An iperf3-compatible server over any stream listener (our TCP/IP stack's, or kernel
/// sockets'), on the appliance's run loop: `iperf3 -c ADDRESS [-R] [-t S] [-O S]`
/// measures one TCP stream in either direction. One test at a time; a client that
/// comes while one runs is told ACCESS_DENIED. Tests we do not run (UDP, several
/// streams, --bidir, socket options) are refused with SERVER_ERROR and IEUNIMP, bad
/// JSON with SERVER_ERROR and IERECVPARAMS, so the client prints an error and exits.
///
/// The exchange, driven from here with state bytes on the control connection:
///   client: cookie              server: PARAM_EXCHANGE
///   client: parameters (JSON)   server: CREATE_STREAMS
///   client: data connection + cookie
///                               server: TEST_START, TEST_RUNNING; data flows
///   client: TEST_END            server: closes the data stream, EXCHANGE_RESULTS
///   client: results (JSON)      server: results (JSON), DISPLAY_RESULTS
///   client: IPERF_DONE, closes
/// The data path reads into (or writes from) one preallocated buffer.
final class Iperf3Server<Listener: StreamListener, P: Platform> {
    typealias Stream = Listener.Stream

    private enum Phase: String {
        case idle, cookie, parameters, createStreams = "create-streams", running, results, display
    }

    /// A connection that came during CREATE_STREAMS, until its cookie is in.
    private struct Pending {
        let stream: Stream
        var cookie: [UInt8] = []
    }

    private let loop: RunLoop<P>
    private let listener: Listener
    private let logger: Logger
    /// The sender's retransmissions so far, when the transport counts them.
    private let retransmissions: (() -> Int)?
    private let buffer = Iperf3Buffer()

    private var phase = Phase.idle
    private var control: Iperf3Control<Stream>?
    /// SERVER_ERROR is queued: the control connection closes once it is written.
    private var closingControl = false
    private var cookie: [UInt8] = []
    private var parameters = Iperf3Parameters()
    private var pending: [Pending?] = Array(repeating: nil, count: 4)
    private var data: Stream?
    /// The pending slot whose token the data stream kept.
    private var dataSlot = 0
    private var watchdog: TimerID?
    private var omitTimer: TimerID?
    private var start = Instant.zero
    private var end = Instant.zero
    /// Bytes moved on the data stream this test (since the omitted seconds).
    private var bytes: UInt64 = 0
    private var retransmitBase = 0
    private var cpu = Iperf3CPU()
    private var cpuUse = (total: 0.0, user: 0.0, system: 0.0)

    private(set) var testsCompleted = 0
    private(set) var lastResult: String?

    private static var listenerToken: UInt64 { 1 << 42 }
    private static var controlToken: UInt64 { listenerToken + 1 }
    private static func pendingToken(_ slot: Int) -> UInt64 { listenerToken + 8 + UInt64(slot) }
    /// Bytes written or read per readiness report, so the control connection gets turns.
    private static var burst: Int { 1 << 20 }

    init(loop: RunLoop<P>, listener: Listener, logger: Logger, retransmissions: (() -> Int)? = nil) throws(StreamError) {
        self.loop = loop
        self.listener = listener
        self.logger = logger
        self.retransmissions = retransmissions
        try listener.watch(token: Self.listenerToken)
        loop.register(token: Self.listenerToken) { _ in self.acceptAll() }
    }

    // MARK: Connections

    private func acceptAll() {
        while true {
            let accepted: Stream?
            do throws(StreamError) { accepted = try listener.accept() } catch {
                logger.warning("iperf3: accept: \(error.description)")
                return
            }
            guard let stream = accepted else { return }
            admit(stream)
        }
    }

    private func admit(_ stream: Stream) {
        if phase == .idle && control == nil {
            beginControl(stream)
        } else if phase == .createStreams, let slot = freeSlot() {
            pending[slot] = Pending(stream: stream)
            let token = Self.pendingToken(slot)
            loop.register(token: token) { _ in self.pendingReady(slot) }
            do throws(StreamError) { try stream.watch(token: token, readable: true, writable: false) } catch {
                dropPending(slot)
            }
        } else {
            deny(stream)
        }
    }

    private func freeSlot() -> Int? {
        pending.indices.first { slot in pending[slot] == nil && !(data != nil && dataSlot == slot) }
    }

    /// ACCESS_DENIED and close, as iperf3 answers a connection it cannot take.
    private func deny(_ stream: Stream) {
        let denied = UInt8(bitPattern: Iperf3.State.accessDenied.rawValue)
        _ = withUnsafeBytes(of: denied) { byte in try? stream.write(from: byte) }
        stream.close()
    }

    private func beginControl(_ stream: Stream) {
        control = Iperf3Control(stream)
        phase = .cookie
        closingControl = false
        cookie = []
        loop.register(token: Self.controlToken) { _ in self.controlReady() }
        do throws(StreamError) {
            try stream.watch(token: Self.controlToken, readable: true, writable: false)
        } catch {
            abort(error.description)
            return
        }
        arm(seconds: 30, "the client did not start a test within 30 s")
    }

    // MARK: Control connection

    private func controlReady() {
        guard let control else { return }
        do throws(StreamError) {
            try control.flush()
            if closingControl {
                if !control.hasPendingOutput { finishControl() }
                return
            }
            try control.receive()
            try process(control)
            guard self.control === control else { return }
            try control.flush()
            if closingControl && !control.hasPendingOutput {
                finishControl()
                return
            }
            if control.peerClosed {
                if phase == .display {
                    complete()
                } else {
                    abort("the client closed the control connection")
                }
                return
            }
            try control.stream.watch(token: Self.controlToken, readable: !closingControl, writable: control.hasPendingOutput)
        } catch {
            abort("control connection: " + error.description)
        }
    }

    /// Acts on every whole message waiting, as the phase reads them.
    private func process(_ control: Iperf3Control<Stream>) throws(StreamError) {
        while self.control === control && !closingControl {
            switch phase {
            case .idle:
                return
            case .cookie:
                guard let bytes = control.take(Iperf3.cookieSize) else { return }
                cookie = Array(bytes)
                control.send(.parameterExchange)
                phase = .parameters
            case .parameters:
                switch control.takeJSON() {
                case .incomplete:
                    return
                case .invalid(let reason):
                    refuse(code: Iperf3.ErrorCode.receiveParameters, errno: 22, reason)  // EINVAL
                case .document(let value):
                    do throws(Iperf3Parameters.Rejection) {
                        parameters = try Iperf3Parameters(json: value)
                    } catch {
                        // EINVAL with IERECVPARAMS, as for unreadable JSON; IEUNIMP takes none.
                        refuse(code: error.code, errno: error.code == Iperf3.ErrorCode.receiveParameters ? 22 : 0, error.reason)
                        return
                    }
                    buffer.fill(repeating: parameters.repeatingPayload)
                    control.send(.createStreams)
                    phase = .createStreams
                }
            case .results:
                switch control.takeJSON() {
                case .incomplete:
                    return
                case .invalid(let reason):
                    abort("the client's results: " + reason)
                case .document(let value):
                    do throws(JSONError) {
                        let theirs = try Iperf3Results(json: value)
                        sendResults(control, theirs: theirs)
                    } catch {
                        abort("the client's results: " + error.description)
                    }
                }
            case .createStreams, .running, .display:
                guard let byte = control.takeByte() else { return }
                stateByte(byte)
            }
        }
    }

    private func stateByte(_ byte: Int8) {
        switch (Iperf3.State(rawValue: byte), phase) {
        case (.testEnd?, .running):
            endTest()
        case (.iperfDone?, .display):
            complete()
        case (.testStart?, _), (.iperfDone?, _):
            // iperf3's server ignores these outside their place too.
            break
        case (.clientTerminate?, _):
            abort("the client terminated the test")
        default:
            abort("unexpected state byte " + String(byte) + " in phase " + phase.rawValue)
        }
    }

    /// SERVER_ERROR with iperf3's error number and errno, then close.
    private func refuse(code: Int32, errno: Int32, _ reason: String) {
        logger.warning("iperf3: refused a test: \(reason)")
        lastResult = "refused: " + reason
        guard let control else { return }
        control.send(.serverError)
        control.send(int32: code)
        control.send(int32: errno)
        closingControl = true
        closeStreams()
        arm(seconds: 5, "the client did not take SERVER_ERROR")
    }

    // MARK: The test

    private func startTest(_ control: Iperf3Control<Stream>) {
        control.send(.testStart)
        control.send(.testRunning)
        phase = .running
        start = loop.now
        bytes = 0
        retransmitBase = retransmissions?() ?? 0
        cpu = Iperf3CPU()
        if parameters.omit > 0 {
            omitTimer = loop.schedule(after: .seconds(UInt64(parameters.omit))) { self.endOmit() }
        }
        if parameters.time > 0 {
            // iperf3's own grace: 4 s for each of 10 state changes.
            arm(seconds: UInt64(parameters.time + parameters.omit + 40), "the test did not end in time")
        } else if let watchdog {
            loop.cancel(watchdog)
            self.watchdog = nil
        }
        logger.info("iperf3: test started: \(parameters.reverse ? "we send (-R)" : "we receive"), \(parameters.time) s, omit \(parameters.omit) s")
        controlReady()
    }

    private func endOmit() {
        omitTimer = nil
        guard phase == .running else { return }
        start = loop.now
        bytes = 0
        retransmitBase = retransmissions?() ?? 0
    }

    private func endTest() {
        end = loop.now
        cpuUse = cpu.percentages()
        closeStreams()
        control?.send(.exchangeResults)
        phase = .results
    }

    private var seconds: Double { Double((end - start).nanoseconds) / 1e9 }

    private func sendResults(_ control: Iperf3Control<Stream>, theirs: Iperf3Results) {
        var results = Iperf3Results()
        (results.cpuTotal, results.cpuUser, results.cpuSystem) = cpuUse
        var stream = Iperf3StreamResult(id: 1, bytes: bytes, startTime: 0, endTime: seconds)
        if parameters.reverse {
            results.senderHasRetransmits = retransmissions == nil ? 0 : 1
            if let retransmissions { stream.retransmits = retransmissions() - retransmitBase }
        }
        results.streams = [stream]
        let rate = Iperf3.twoDecimals(Iperf3.megabitsPerSecond(bytes: bytes, seconds: seconds))
        let other = theirs.streams.first.map { String($0.bytes) } ?? "?"
        let summary = parameters.reverse
            ? "sent \(bytes) bytes in \(Iperf3.twoDecimals(seconds)) s = \(rate) Mbit/s (-R); the client received \(other)"
            : "received \(bytes) bytes in \(Iperf3.twoDecimals(seconds)) s = \(rate) Mbit/s; the client sent \(other)"
        lastResult = summary
        if parameters.serverOutput { results.serverOutputText = "ofnet iperf3 server: " + summary + "\n" }
        control.send(json: results.json)
        control.send(.displayResults)
        phase = .display
    }

    private func complete() {
        testsCompleted += 1
        logger.info("iperf3: test done: \(lastResult ?? "")")
        finishControl()
    }

    private func abort(_ reason: String) {
        guard control != nil else { return }
        logger.warning("iperf3: test aborted: \(reason)")
        lastResult = "aborted: " + reason
        finishControl()
    }

    /// Back to idle: every connection of the test closed, the timers cancelled.
    private func finishControl() {
        closeStreams()
        if let control {
            loop.deregister(token: Self.controlToken)
            control.stream.close()
        }
        control = nil
        closingControl = false
        phase = .idle
        if let watchdog { loop.cancel(watchdog) }
        watchdog = nil
    }

    private func closeStreams() {
        if let omitTimer { loop.cancel(omitTimer) }
        omitTimer = nil
        closeData()
        for slot in pending.indices where pending[slot] != nil { dropPending(slot) }
    }

    private func arm(seconds: UInt64, _ reason: String) {
        if let watchdog { loop.cancel(watchdog) }
        watchdog = loop.schedule(after: .seconds(seconds)) {
            self.watchdog = nil
            self.abort(reason)
        }
    }

    // MARK: Data streams

    /// A new connection's cookie: ours makes it the data stream, any other is denied.
    private func pendingReady(_ slot: Int) {
        guard var entry = pending[slot] else { return }
        let stream = entry.stream
        do throws(StreamError) {
            while entry.cookie.count < Iperf3.cookieSize {
                let need = Iperf3.cookieSize - entry.cookie.count
                let result = try withUnsafeTemporaryAllocation(byteCount: need, alignment: 1) { buffer in
                    Result { () throws(StreamError) -> StreamRead in
                        let result = try stream.read(into: buffer)
                        if case .bytes(let count) = result {
                            entry.cookie.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[..<count]))
                        }
                        return result
                    }
                }.get()
                switch result {
                case .bytes: continue
                case .wouldBlock:
                    pending[slot] = entry
                    return
                case .closed:
                    dropPending(slot)
                    return
                }
            }
        } catch {
            dropPending(slot)
            return
        }
        guard phase == .createStreams, data == nil, entry.cookie == cookie, let control else {
            loop.deregister(token: Self.pendingToken(slot))
            pending[slot] = nil
            deny(stream)
            return
        }
        // The stream keeps the slot's token; the slot stays reserved while it lives.
        pending[slot] = nil
        data = stream
        dataSlot = slot
        let token = Self.pendingToken(slot)
        loop.register(token: token) { _ in self.dataReady() }
        do throws(StreamError) {
            try stream.watch(token: token, readable: !parameters.reverse, writable: parameters.reverse)
        } catch {
            abort("data stream: " + error.description)
            return
        }
        startTest(control)
    }

    private func dropPending(_ slot: Int) {
        guard let entry = pending[slot] else { return }
        loop.deregister(token: Self.pendingToken(slot))
        entry.stream.close()
        pending[slot] = nil
    }

    private func closeData() {
        guard let data else { return }
        loop.deregister(token: Self.pendingToken(dataSlot))
        data.close()
        self.data = nil
    }

    private func dataReady() {
        guard let data, phase == .running else { return }
        do throws(StreamError) {
            if parameters.reverse {
                bytes &+= try buffer.send(length: parameters.length, to: data, budget: Self.burst)
            } else {
                let received = try buffer.receive(from: data, budget: Self.burst)
                bytes &+= received.bytes
                if received.closed { closeData() }
            }
        } catch {
            logger.debug("iperf3: data stream: \(error.description)")
            closeData()
        }
    }
}
