import Devices
import Logging
import Scheduler

/// An iperf3 client over any stream transport (our TCP/IP stack's, or kernel sockets'),
/// on the appliance's run loop: one TCP stream to an `iperf3 -s`, for `time` seconds,
/// we send (normal) or the server sends (`reverse`, iperf3's -R). The server drives the
/// exchange with state bytes (see `Iperf3Server`); we answer as iperf3 3.12's client
/// does, and end with both sides' figures.
final class Iperf3Client<Stream: ByteStream, P: Platform> {
    /// What a finished test measured, each side's bytes over its own time.
    struct Summary {
        var reverse: Bool
        var sender: Iperf3StreamResult
        var receiver: Iperf3StreamResult

        var senderMbps: Double { Iperf3.megabitsPerSecond(bytes: sender.bytes, seconds: sender.seconds) }
        var receiverMbps: Double { Iperf3.megabitsPerSecond(bytes: receiver.bytes, seconds: receiver.seconds) }

        /// One line for scripts: key=value pairs.
        var line: String {
            "iperf3-client: mode=\(reverse ? "reverse" : "normal") seconds=\(Iperf3.twoDecimals(sender.seconds))"
                + " sender_bytes=\(sender.bytes) sender_mbps=\(Iperf3.twoDecimals(senderMbps))"
                + " receiver_bytes=\(receiver.bytes) receiver_mbps=\(Iperf3.twoDecimals(receiverMbps))"
                + " retransmits=\(sender.retransmits)"
        }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    private let loop: RunLoop<P>
    private let connect: () throws(StreamError) -> Stream
    private let logger: Logger
    private let retransmissions: (() -> Int)?
    private var parameters = Iperf3Parameters()
    private let completion: (Result<Summary, Failure>) -> Void
    private let buffer = Iperf3Buffer()
    private let cookie = Iperf3.makeCookie()

    private var control: Iperf3Control<Stream>?
    private var data: Stream?
    /// How much of the cookie the data stream has taken.
    private var dataCookieSent = 0
    private var running = false
    /// TEST_END is sent: drain (reverse) or stop writing (normal).
    private var ended = false
    private var awaitingResults = false
    /// SERVER_ERROR came: its two codes are awaited.
    private var serverError = false
    private var finished = false
    private var startedAt = Instant.zero
    private var end = Instant.zero
    private var bytes: UInt64 = 0
    private var retransmitBase = 0
    private var cpu = Iperf3CPU()
    private var theirs: Iperf3StreamResult?
    private var watchdog: TimerID?
    private var endTimer: TimerID?

    private static var controlToken: UInt64 { 1 << 43 }
    private static var dataToken: UInt64 { controlToken + 1 }
    private static var burst: Int { 1 << 20 }

    /// `connect` opens a connection to the server's port 5201; `completion` is called
    /// once, with the figures or the reason the test failed.
    init(
        loop: RunLoop<P>, time: Int, reverse: Bool, logger: Logger, retransmissions: (() -> Int)? = nil,
        connect: @escaping () throws(StreamError) -> Stream, completion: @escaping (Result<Summary, Failure>) -> Void
    ) {
        self.loop = loop
        self.connect = connect
        self.logger = logger
        self.retransmissions = retransmissions
        self.completion = completion
        parameters.time = time
        parameters.reverse = reverse
    }

    func start() {
        do throws(StreamError) {
            let stream = try connect()
            let control = Iperf3Control(stream)
            self.control = control
            control.send(bytes: cookie)
            loop.register(token: Self.controlToken) { _ in self.controlReady() }
            try stream.watch(token: Self.controlToken, readable: true, writable: true)
        } catch {
            fail("connecting: " + error.description)
            return
        }
        arm(seconds: 15, "the server did not answer within 15 s")
    }

    // MARK: Control connection

    private func controlReady() {
        guard let control, !finished else { return }
        do throws(StreamError) {
            try control.flush()
            try control.receive()
            try process(control)
            guard !finished else { return }
            try control.flush()
            if control.peerClosed {
                fail("the server closed the control connection")
                return
            }
            try control.stream.watch(token: Self.controlToken, readable: true, writable: control.hasPendingOutput)
        } catch {
            fail("control connection: " + error.description)
        }
    }

    private func process(_ control: Iperf3Control<Stream>) throws(StreamError) {
        while !finished {
            if serverError {
                guard let code = control.takeInt32() else { return }
                let errno = control.takeInt32() ?? 0
                fail("the server refused the test: " + Iperf3.describe(errorCode: code, errno: errno))
                return
            }
            if awaitingResults {
                switch control.takeJSON() {
                case .incomplete:
                    return
                case .invalid(let reason):
                    fail("the server's results: " + reason)
                    return
                case .document(let value):
                    do throws(JSONError) {
                        let results = try Iperf3Results(json: value)
                        guard let stream = results.streams.first(where: { $0.id == 1 }) else {
                            fail("the server's results have no stream 1")
                            return
                        }
                        theirs = stream
                        awaitingResults = false
                    } catch {
                        fail("the server's results: " + error.description)
                        return
                    }
                }
                continue
            }
            guard let byte = control.takeByte() else { return }
            try stateByte(byte, control)
        }
    }

    private func stateByte(_ byte: Int8, _ control: Iperf3Control<Stream>) throws(StreamError) {
        switch Iperf3.State(rawValue: byte) {
        case .parameterExchange?:
            control.send(json: parameters.json)
        case .createStreams?:
            let stream = try connect()
            data = stream
            dataCookieSent = 0
            loop.register(token: Self.dataToken) { _ in self.dataReady() }
            try stream.watch(token: Self.dataToken, readable: false, writable: true)
        case .testStart?:
            break
        case .testRunning?:
            startRunning()
        case .exchangeResults?:
            var results = Iperf3Results()
            (results.cpuTotal, results.cpuUser, results.cpuSystem) = cpu.percentages()
            var stream = Iperf3StreamResult(id: 1, bytes: bytes, startTime: 0, endTime: seconds)
            if !parameters.reverse {
                results.senderHasRetransmits = retransmissions == nil ? 0 : 1
                if let retransmissions { stream.retransmits = retransmissions() - retransmitBase }
            }
            results.streams = [stream]
            control.send(json: results.json)
            awaitingResults = true
        case .displayResults?:
            guard let theirs else {
                fail("DISPLAY_RESULTS before the results")
                return
            }
            control.send(.iperfDone)
            try control.flush()
            let ours = Iperf3StreamResult(id: 1, bytes: bytes, retransmits: parameters.reverse ? -1 : (retransmissions.map { $0() - retransmitBase } ?? -1), startTime: 0, endTime: seconds)
            let summary = parameters.reverse
                ? Summary(reverse: true, sender: theirs, receiver: ours)
                : Summary(reverse: false, sender: ours, receiver: theirs)
            finish(.success(summary))
        case .accessDenied?:
            fail("the server is busy running a test (ACCESS_DENIED)")
        case .serverError?:
            serverError = true
        case .serverTerminate?:
            fail("the server terminated the test")
        default:
            fail("unexpected state byte " + String(byte))
        }
    }

    // MARK: The test

    private var seconds: Double { Double((end - startedAt).nanoseconds) / 1e9 }

    private func startRunning() {
        guard !running, !ended else { return }
        guard let data else {
            fail("TEST_RUNNING without a data stream")
            return
        }
        running = true
        startedAt = loop.now
        bytes = 0
        retransmitBase = retransmissions?() ?? 0
        cpu = Iperf3CPU()
        endTimer = loop.schedule(after: .seconds(UInt64(parameters.time))) { self.endRunning() }
        arm(seconds: UInt64(parameters.time + 60), "the test did not finish in time")
        do throws(StreamError) {
            try data.watch(token: Self.dataToken, readable: parameters.reverse, writable: !parameters.reverse)
        } catch {
            fail("data stream: " + error.description)
        }
    }

    /// Time is up: TEST_END; a receiver keeps draining so the server is never stuck.
    private func endRunning() {
        endTimer = nil
        guard running, let control else { return }
        running = false
        ended = true
        end = loop.now
        control.send(.testEnd)
        if let data {
            // Watch for the server's close (or reset) so the stream is released.
            do throws(StreamError) { try data.watch(token: Self.dataToken, readable: true, writable: false) } catch {
                closeData()
            }
        }
        controlReady()
    }

    private func dataReady() {
        guard let data, !finished else { return }
        do throws(StreamError) {
            if dataCookieSent < Iperf3.cookieSize {
                let sent = dataCookieSent
                let written = try cookie.withUnsafeBytes { raw in
                    Result { () throws(StreamError) -> Int in try data.write(from: UnsafeRawBufferPointer(rebasing: raw[sent...])) }
                }.get()
                dataCookieSent += written
                if dataCookieSent == Iperf3.cookieSize {
                    try data.watch(token: Self.dataToken, readable: false, writable: false)
                }
                return
            }
            if running && !parameters.reverse {
                bytes &+= try buffer.send(length: parameters.length, to: data, budget: Self.burst)
                return
            }
            // Receiving, or draining after TEST_END.
            let received = try buffer.receive(from: data, budget: Self.burst)
            if running { bytes &+= received.bytes }
            if received.closed { closeData() }
        } catch {
            if running {
                fail("data stream: " + error.description)
            } else {
                // After TEST_END the server may close (or reset) the stream at will.
                closeData()
            }
        }
    }

    private func closeData() {
        guard let data else { return }
        loop.deregister(token: Self.dataToken)
        data.close()
        self.data = nil
    }

    private func arm(seconds: UInt64, _ reason: String) {
        if let watchdog { loop.cancel(watchdog) }
        watchdog = loop.schedule(after: .seconds(seconds)) {
            self.watchdog = nil
            self.fail(reason)
        }
    }

    private func fail(_ reason: String) {
        finish(.failure(Failure(description: reason)))
    }

    private func finish(_ result: Result<Summary, Failure>) {
        guard !finished else { return }
        finished = true
        running = false
        if let watchdog { loop.cancel(watchdog) }
        if let endTimer { loop.cancel(endTimer) }
        watchdog = nil
        endTimer = nil
        closeData()
        if let control {
            loop.deregister(token: Self.controlToken)
            control.stream.close()
        }
        control = nil
        completion(result)
    }
}
