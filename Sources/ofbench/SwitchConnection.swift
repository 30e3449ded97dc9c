import Devices
import LinuxPlatform
import OpenFlow
import Scheduler
import TLS

/// One emulated switch on the loop: its stream (kernel TCP, or TLS over it with
/// `--ssl`), its protocol state, and the rules for when to read, produce and write. Any
/// failure ends the run, as it does in cbench.
final class SwitchConnection {
    let index: Int
    private(set) var emulated: EmulatedSwitch
    private var messages = MessageStream()
    private let stream: any ByteStream
    private let token: UInt64
    private var outbound = OutboundBuffer(capacity: 1 << 16)
    private var watching = (readable: true, writable: true)
    private let loop: RunLoop<EpollPlatform>
    /// The clock, read here rather than through `loop.now`: handlers run while the loop
    /// holds `loop.platform` for its wait.
    private let platform: EpollPlatform
    private let scratch: UnsafeMutableRawBufferPointer
    private let mode: Settings.Mode
    private let controller: String
    private(set) var connected = false
    private var wakeUp: TimerID?
    /// Called once the TCP connection is up.
    var onConnect: () -> Void = {}
    /// Called once the switch has answered FEATURES_REQUEST (the handshake is done).
    var onReady: () -> Void = {}

    /// Reading stops while this much output waits, so a controller that does not read
    /// cannot make us buffer without bound.
    static let highWaterMark = 1 << 20
    /// Bytes read per readiness before the loop moves on.
    static let readBudget = 1 << 18

    init(
        index: Int, settings: Settings, delay: Interval, platform: EpollPlatform,
        loop: RunLoop<EpollPlatform>, scratch: UnsafeMutableRawBufferPointer
    ) throws(StreamError) {
        self.index = index
        self.loop = loop
        self.platform = platform
        self.scratch = scratch
        mode = settings.mode
        controller = "\(settings.controllerHost):\(settings.controllerPort)"
        token = UInt64(index + 1)
        do throws(OpenFlowError) {
            emulated = try EmulatedSwitch(datapathID: UInt64(settings.dpidOffset + index), settings: settings, delay: delay)
        } catch {
            Console.fail("cannot encode the probe packet_in: \(error)")
        }
        let kernel = try KernelStream.connect(host: settings.controllerHost, port: settings.controllerPort, platform: platform)
        if let tls = settings.tls {
            guard let secure = TLSStream(kernel, context: tls) else { Console.fail("no memory for a TLS session") }
            stream = secure
        } else {
            stream = kernel
        }
        try stream.watch(token: token, readable: true, writable: true)
        loop.register(token: token) { [unowned self] ready in handle(ready) }
    }

    private var name: String { "switch \(index + 1) (dpid \(emulated.datapathID))" }

    /// Starts or stops a test loop, and sends at once what a start allows.
    func setActive(_ active: Bool) {
        if active { emulated.beginLoop() } else { emulated.active = false }
        pump()
    }

    /// Stops watching and closes the stream (the handshake-rate mode's switches).
    func close() {
        loop.deregister(token: token)
        stream.close()
    }

    private func handle(_ ready: Readiness) {
        if !connected { establish() }
        if ready.readable || ready.closed { readBatch() }
        pump()
    }

    /// The connect finished (the first readiness says so): check how, and say HELLO.
    private func establish() {
        do throws(StreamError) { try stream.finishConnect() } catch {
            Console.fail("\(name): \(error.description) (controller \(controller))")
        }
        do throws(OpenFlowError) { try emulated.greet(into: &outbound) } catch {
            Console.fail("\(name): \(error)")
        }
        connected = true
        onConnect()
    }

    /// Reads until the stream runs dry, the budget is spent, or output backs up.
    private func readBatch() {
        var total = 0
        let wasReady = emulated.stage == .ready
        while total < Self.readBudget, outbound.count < Self.highWaterMark {
            let result: StreamRead
            do throws(StreamError) { result = try stream.read(into: scratch) } catch {
                Console.fail("\(name): lost the controller: \(error.description)")
            }
            switch result {
            case .bytes(let count):
                receive(UnsafeRawBufferPointer(rebasing: scratch[..<count]))
                total += count
                // A short read means the stream is (almost surely) empty; level-triggered
                // readiness reports anything that arrives later.
                if count < scratch.count { return finishRead(wasReady) }
            case .wouldBlock:
                return finishRead(wasReady)
            case .closed:
                Console.fail("\(name): the controller closed the connection... exiting")
            }
        }
        finishRead(wasReady)
    }

    private func finishRead(_ wasReady: Bool) {
        if !wasReady, emulated.stage == .ready { onReady() }
    }

    private func receive(_ bytes: UnsafeRawBufferPointer) {
        do throws(OpenFlowError) {
            try emulated.receive(bytes, through: &messages, into: &outbound, now: platform.now())
        } catch {
            Console.fail("\(name): the controller's stream is broken: \(error)")
        }
    }

    /// Queues what the switch may send now and writes once. In throughput mode an
    /// active switch stays watched for writability, so it refills as the socket drains.
    private func pump() {
        guard connected else { return }
        do throws(OpenFlowError) {
            if let until = try emulated.produce(into: &outbound, now: platform.now()), wakeUp == nil {
                wakeUp = loop.schedule(at: until) { [unowned self] in
                    wakeUp = nil
                    pump()
                }
            }
        } catch {
            Console.fail("\(name): \(error)")
        }
        let stream = stream
        do throws(StreamError) {
            try outbound.write { (bytes) throws(StreamError) in try stream.write(from: bytes) }
            let stayWritable = mode == .throughput && emulated.active && emulated.stage == .ready
            let want = (readable: outbound.count < Self.highWaterMark, writable: stayWritable || !outbound.isEmpty)
            if want != watching {
                try stream.watch(token: token, readable: want.readable, writable: want.writable)
                watching = want
            }
        } catch {
            Console.fail("\(name): \(error.description)")
        }
    }
}
