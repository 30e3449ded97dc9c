import LinuxPlatform
import OpenFlow
import Scheduler

/// One emulated switch on the loop: its socket, its protocol state, and the rules for
/// when to read, produce and write. Any failure ends the run, as it does in cbench.
final class SwitchConnection {
    let index: Int
    private(set) var emulated: EmulatedSwitch
    private var stream = MessageStream()
    private let channel: BufferedConnection
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

    init(
        index: Int, settings: Settings, delay: Interval, platform: EpollPlatform,
        loop: RunLoop<EpollPlatform>, scratch: UnsafeMutableRawBufferPointer
    ) throws(SocketError) {
        self.index = index
        self.loop = loop
        self.platform = platform
        self.scratch = scratch
        mode = settings.mode
        controller = "\(settings.controllerHost):\(settings.controllerPort)"
        do throws(OpenFlowError) {
            emulated = try EmulatedSwitch(datapathID: UInt64(settings.dpidOffset + index), settings: settings, delay: delay)
        } catch {
            Console.fail("cannot encode the probe packet_in: \(error)")
        }
        let socket = try TCPConnection.connect(host: settings.controllerHost, port: settings.controllerPort)
        channel = try BufferedConnection(socket, token: UInt64(index + 1), platform: platform)
        loop.register(token: channel.token) { [unowned self] ready in handle(ready) }
    }

    private var name: String { "switch \(index + 1) (dpid \(emulated.datapathID))" }

    /// Starts or stops a test loop, and sends at once what a start allows.
    func setActive(_ active: Bool) {
        if active { emulated.beginLoop() } else { emulated.active = false }
        pump()
    }

    private func handle(_ ready: Readiness) {
        if !connected { establish() }
        if ready.readable || ready.closed {
            do throws(SocketError) {
                let open = try channel.read(into: scratch) { bytes in receive(bytes) }
                if !open { Console.fail("\(name): the controller closed the connection... exiting") }
            } catch {
                Console.fail("\(name): lost the controller: \(error)")
            }
        }
        pump()
    }

    /// The connect finished (the first readiness says so): check how, and say HELLO.
    private func establish() {
        do throws(SocketError) { try channel.connection.finishConnect() } catch {
            Console.fail("\(name): \(error) (controller \(controller))")
        }
        do throws(OpenFlowError) { try emulated.greet(into: &channel.outbound) } catch {
            Console.fail("\(name): \(error)")
        }
        connected = true
        onConnect()
    }

    private func receive(_ bytes: UnsafeRawBufferPointer) {
        do throws(OpenFlowError) {
            try emulated.receive(bytes, through: &stream, into: &channel.outbound, now: platform.now())
        } catch {
            Console.fail("\(name): the controller's stream is broken: \(error)")
        }
    }

    /// Queues what the switch may send now and writes once. In throughput mode an
    /// active switch stays watched for writability, so it refills as the socket drains.
    private func pump() {
        guard connected else { return }
        do throws(OpenFlowError) {
            if let until = try emulated.produce(into: &channel.outbound, now: platform.now()), wakeUp == nil {
                wakeUp = loop.schedule(at: until) { [unowned self] in
                    wakeUp = nil
                    pump()
                }
            }
        } catch {
            Console.fail("\(name): \(error)")
        }
        do throws(SocketError) {
            try channel.flush(stayWritable: mode == .throughput && emulated.active && emulated.stage == .ready)
        } catch {
            Console.fail("\(name): \(error)")
        }
    }
}
