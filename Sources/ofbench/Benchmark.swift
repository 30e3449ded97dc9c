import Glibc
import LinuxPlatform
import Scheduler
import Devices

/// cbench's procedure on one run loop: connect the switches (in groups, spaced by the
/// connect delay), run `loops` timed loops, print the RESULT; with `--ranged-test`, do
/// that for 1, 2, ... N switches. Between loops it pauses 100 ms without probing or
/// counting, so answers to the previous loop's probes are not credited to the next.
final class Benchmark {
    static let connectTimeout = Interval.milliseconds(3000)
    static let pauseBetweenLoops = Interval.milliseconds(100)

    private let settings: Settings
    private let platform: EpollPlatform
    /// Read the clock and schedule through `platform` and `schedule(at:)`, never
    /// `loop.now`: handlers run while the loop holds `loop.platform` for its wait.
    private let loop: RunLoop<EpollPlatform>
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
    private var switches: [SwitchConnection] = []
    private var connecting = 0
    /// Responses per second of each loop of the current test.
    private var rates: [Double] = []
    private var loopStart = Instant.zero
    /// `--delay`: switches connected for the first test hold still this long after
    /// FEATURES_REPLY, and the first loop is stretched by it (and not charged for it).
    /// Zero from the first loop's start on, as in cbench.
    private var delayMilliseconds: Int

    init(settings: Settings) throws(SocketError) {
        self.settings = settings
        delayMilliseconds = settings.delayMilliseconds
        // In latency mode spin, as cbench does, so a round trip is not lengthened by
        // waking from a sleep. Throughput mode keeps megabytes queued per switch, so
        // waking late costs nothing there, and sleeping leaves the CPU to the controller.
        platform = try EpollPlatform(busyPoll: settings.mode == .latency)
        loop = RunLoop(platform: platform)
    }

    deinit { scratch.deallocate() }

    /// Runs every test, then exits the process with status 0 (or 1 on a failure).
    func run() -> Never {
        if settings.handshakes > 0 {
            handshakeStart = platform.now()
            nextHandshake(0)
        } else {
            let first = settings.ranged ? 1 : settings.switches
            connect(upTo: first) { [unowned self] in startTest() }
        }
        while true { loop.turn() }
    }

    // MARK: Handshake rate

    private var handshakeStart = Instant.zero
    private var handshaking: SwitchConnection?

    /// Connects switch `index` and, once its handshake (TCP, TLS with `--ssl`, HELLO,
    /// FEATURES) is done, closes it and starts the next; after the last, prints the rate.
    private func nextHandshake(_ index: Int) {
        guard index < settings.handshakes else {
            let seconds = Double((platform.now() - handshakeStart).nanoseconds) / 1e9
            let rate = cFormat("%d one after another in %.3f s = %.1f handshakes/s", settings.handshakes, seconds, Double(settings.handshakes) / seconds)
            Console.result("HANDSHAKES: " + rate + (settings.tls == nil ? " (tcp)\n" : " (tls)\n"))
            exit(0)
        }
        do throws(StreamError) {
            let connection = try SwitchConnection(
                index: index, settings: settings, delay: .zero, platform: platform, loop: loop, scratch: scratch)
            connection.onReady = { [unowned self] in
                // Closed on the next turn: the handler that saw it ready still writes.
                loop.enqueue { [unowned self] in
                    handshaking?.close()
                    nextHandshake(index + 1)
                }
            }
            handshaking = connection
        } catch {
            Console.fail("switch \(index + 1): \(error.description) (controller \(settings.controllerHost):\(settings.controllerPort))")
        }
    }

    // MARK: Connecting

    /// Connects switches until there are `total`, a group at a time, then calls `done`.
    private func connect(upTo total: Int, then done: @escaping () -> Void) {
        guard switches.count < total else { return done() }
        let groupEnd = settings.connectDelayMilliseconds > 0
            ? Swift.min(total, (switches.count / settings.connectGroupSize + 1) * settings.connectGroupSize)
            : total
        let group = switches.count..<groupEnd
        connecting = group.count
        for index in group {
            do throws(StreamError) {
                let connection = try SwitchConnection(
                    index: index, settings: settings, delay: .milliseconds(UInt64(delayMilliseconds)),
                    platform: platform, loop: loop, scratch: scratch)
                connection.onConnect = { [unowned self] in
                    connecting -= 1
                    guard connecting == 0 else { return }
                    if switches.count < total, settings.connectDelayMilliseconds > 0 {
                        Console.debug(settings, "delaying connection by \(settings.connectDelayMilliseconds) ms")
                        loop.schedule(at: platform.now() + .milliseconds(UInt64(settings.connectDelayMilliseconds))) { [unowned self] in
                            connect(upTo: total, then: done)
                        }
                    } else {
                        connect(upTo: total, then: done)
                    }
                }
                switches.append(connection)
            } catch {
                Console.fail("switch \(index + 1): \(error.description) (controller \(settings.controllerHost):\(settings.controllerPort))")
            }
        }
        loop.schedule(at: platform.now() + Self.connectTimeout) { [unowned self] in
            if let late = switches[group].first(where: { !$0.connected }) {
                Console.fail("switch \(late.index + 1): connecting to \(settings.controllerHost):\(settings.controllerPort) timed out")
            }
        }
    }

    // MARK: Testing

    private func startTest() {
        rates = []
        beginLoop()
    }

    private func beginLoop() {
        for connection in switches { connection.setActive(true) }
        loopStart = platform.now()
        let delay = delayMilliseconds
        delayMilliseconds = 0
        loop.schedule(at: loopStart + .milliseconds(UInt64(settings.millisecondsPerTest + delay))) { [unowned self] in
            endLoop(delay: delay)
        }
    }

    private func endLoop(delay: Int) {
        let elapsed = Double((platform.now() - loopStart).nanoseconds) / 1e6 - Double(delay)
        for connection in switches { connection.setActive(false) }
        let counts = switches.map(\.emulated.count)
        let perMillisecond = Double(counts.reduce(0, +)) / elapsed
        Console.result(Report.loopLine(switches: switches.count, counts: counts, perMillisecond: perMillisecond))
        rates.append(perMillisecond * 1000)

        if rates.count < settings.loops {
            loop.schedule(at: platform.now() + Self.pauseBetweenLoops) { [unowned self] in beginLoop() }
            return
        }
        Console.result(Report.resultLine(switches: switches.count, rates: rates[settings.warmup..<(settings.loops - settings.cooldown)]))
        if switches.count < settings.switches {
            connect(upTo: switches.count + 1) { [unowned self] in startTest() }
        } else {
            exit(0)
        }
    }
}
