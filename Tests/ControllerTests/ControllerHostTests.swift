import Controller
import ControllerHost
import Devices
import OpenFlow
import Scheduler
import Testing

/// The controller loop itself, on a virtual clock with in-memory streams: accepting,
/// the handshake through real bytes, keepalive timers, closes in both directions.
struct ControllerHostTests {
    /// A platform with no I/O of its own: waiting jumps the clock to the deadline.
    struct VirtualClock: Platform {
        var clock = Instant.zero
        func now() -> Instant { clock }
        mutating func wait(until deadline: Instant?, _ ready: (Readiness) -> Void) {
            if let deadline, deadline > clock { clock = deadline }
        }
    }

    typealias Host = ControllerHost<LearningSwitch, MemoryListener, SoftPlatform<VirtualClock>>

    final class Harness {
        let soft = SoftReadiness()
        let listener: MemoryListener
        let host: Host
        var records: [LogRecord] = []

        init(settings: ControllerSettings = ControllerSettings()) throws {
            listener = MemoryListener(soft: soft)
            let loop = RunLoop(platform: SoftPlatform(base: VirtualClock(), soft: soft))
            var records: [LogRecord] = []
            host = try Host(loop: loop, listener: listener, app: LearningSwitch(), settings: settings) { records.append($0) }
            self.records = records
        }

        /// Turns the loop, moving bytes between `fake` and its stream, `turns` times.
        func exchange(_ fake: inout FakeSwitch, _ stream: MemoryStream, turns: Int = 20) throws {
            var fakes = [fake]
            try exchange(&fakes, [stream], turns: turns)
            fake = fakes[0]
        }

        /// A fake switch connected and through its handshake.
        func connectSwitch(datapathID: UInt64) throws -> (FakeSwitch, MemoryStream) {
            let stream = listener.connect()
            var fake = FakeSwitch(datapathID: datapathID)
            fake.start()
            try exchange(&fake, stream)
            return (fake, stream)
        }

        /// The same for several switches at once (each idle turn moves the virtual
        /// clock, so a switch left out would time out).
        func exchange(_ fakes: inout [FakeSwitch], _ streams: [MemoryStream], turns: Int = 20) throws {
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            for _ in 0..<turns {
                for (index, stream) in streams.enumerated() where !fakes[index].outbox.isEmpty {
                    let taken = try fakes[index].outbox.withUnsafeBytes { bytes throws(StreamError) in try stream.write(from: bytes) }
                    fakes[index].outbox.removeFirst(taken)
                }
                host.turn()
                for (index, stream) in streams.enumerated() {
                    while case .bytes(let count) = try buffer.withUnsafeMutableBytes({ bytes throws(StreamError) in try stream.read(into: bytes) }) {
                        fakes[index].receive(Array(buffer[..<count]))
                    }
                }
            }
        }
    }

    /// Echo after 5 s of silence, close after 15 s.
    static var keepalive: ControllerSettings {
        var settings = ControllerSettings()
        settings.echoInterval = .seconds(5)
        settings.echoTimeout = .seconds(15)
        return settings
    }

    /// True when the host has closed its end: a read gives `.closed`.
    static func isClosed(_ stream: MemoryStream) throws -> Bool {
        var byte: UInt8 = 0
        return try withUnsafeMutableBytes(of: &byte) { bytes throws(StreamError) in try stream.read(into: bytes) } == .closed
    }

    @Test func acceptsASwitchAndCompletesTheHandshake() throws {
        let harness = try Harness()
        let (fake, _) = try harness.connectSwitch(datapathID: 0x42)
        #expect(fake.count(.hello) == 1)
        #expect(fake.count(.featuresRequest) == 1)
        #expect(fake.count(.setConfig) == 1)
        #expect(harness.host.counters.connections == 1)
        #expect(harness.host.counters.switches == 1)
    }

    @Test func keepaliveRunsOnTheLoopsTimers() throws {
        let harness = try Harness(settings: Self.keepalive)
        var (fake, stream) = try harness.connectSwitch(datapathID: 1)
        fake.forgetReceived()
        // Each idle turn jumps the virtual clock to the host's next deadline.
        try harness.exchange(&fake, stream, turns: 5)
        #expect(fake.count(.echoRequest) >= 1)
        #expect(harness.host.loop.now >= Instant.zero + .seconds(5))
        #expect(harness.host.counters.switches == 1)
    }

    @Test func aSilentSwitchIsDroppedAfterTheEchoTimeout() throws {
        let harness = try Harness(settings: Self.keepalive)
        var (fake, stream) = try harness.connectSwitch(datapathID: 1)
        fake.answersEcho = false
        try harness.exchange(&fake, stream, turns: 20)
        #expect(harness.host.counters.connections == 0)
        #expect(try Self.isClosed(stream))
    }

    @Test func aSwitchThatHangsUpIsClosedAndForgotten() throws {
        let harness = try Harness()
        let first = harness.listener.connect()
        let second = harness.listener.connect()
        var fakes = [FakeSwitch(datapathID: 1), FakeSwitch(datapathID: 2)]
        fakes[0].start()
        fakes[1].start()
        try harness.exchange(&fakes, [first, second])
        #expect(harness.host.counters.switches == 2)
        first.close()
        var rest = [fakes[1]]
        try harness.exchange(&rest, [second], turns: 3)
        #expect(harness.host.counters.connections == 1)
        #expect(harness.host.counters.switches == 1)
        // A third switch reuses the freed slot with a new connection id.
        let third = harness.listener.connect()
        var both = [rest[0], FakeSwitch(datapathID: 3)]
        both[1].start()
        try harness.exchange(&both, [second, third])
        #expect(harness.host.counters.switches == 2)
    }

    @Test func shutdownClosesEveryConnection() throws {
        let harness = try Harness()
        let (_, stream) = try harness.connectSwitch(datapathID: 7)
        harness.host.stop()
        harness.host.run()
        #expect(harness.host.counters.connections == 0)
        #expect(try Self.isClosed(stream))
    }
}
