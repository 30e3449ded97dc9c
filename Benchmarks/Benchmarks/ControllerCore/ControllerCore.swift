import Benchmark
import BenchmarkSupport
import Controller
import OpenFlow
import Scheduler
import Wire

/// The controller core end to end, as `ofcontroller` drives it: PACKET_INs from one
/// switch arrive in read-sized chunks (100 messages), the core runs the app and its
/// answers are drained from the output buffer as a socket write would take them. This is
/// the cbench throughput path without the kernel. Each iteration handles 1000
/// PACKET_INs (`scaledIterations`); the table shows per-PACKET_IN values, and the
/// allocation count must be 0 (prove it with `--allocation-stacks`).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = BenchmarkMode.configuration

    // The learning switch answering known destinations of a buffering switch: one
    // FLOW_MOD carrying the buffer id per PACKET_IN (cbench's throughput mode).
    Benchmark("Controller core, learning switch") { benchmark in
        try measure(benchmark, app: LearningSwitch())
    }

    // The same app inside the `[BuiltinApp]` chain ofcontroller builds from its flags.
    Benchmark("Controller core, learning switch in [BuiltinApp]") { benchmark in
        try measure(benchmark, app: [BuiltinApp.learningSwitch(LearningSwitch())])
    }

    // The chain `ofcontroller --rest` runs: the request bridge (which only passes
    // PACKET_INs on) ahead of the learning switch.
    Benchmark("Controller core, learning switch behind the REST request bridge") { benchmark in
        try measure(benchmark, app: [BuiltinApp.requestBridge(RequestBridge { _, _ in }), .learningSwitch(LearningSwitch())])
    }

    // The topology app on one switch, its hosts spread over the four ports: one
    // dl_src/dl_dst FLOW_MOD carrying the buffer id per PACKET_IN, as on a path's first
    // switch.
    Benchmark("Controller core, topology app") { benchmark in
        try measure(benchmark, app: ShortestPathSwitch(), hostsOnEveryPort: true)
    }

    // The same app flooding broadcasts along its spanning tree (one switch, so out of
    // the three other edge ports): one PACKET_OUT naming them per PACKET_IN.
    Benchmark("Controller core, topology app, broadcasts") { benchmark in
        try measure(benchmark, app: ShortestPathSwitch(), hostsOnEveryPort: true, broadcasts: true)
    }

    // No lookup at all: the framework's own cost per PACKET_IN.
    Benchmark("Controller core, null app") { benchmark in
        try measure(benchmark, app: NullApp())
    }
}

/// Connects one switch with 100 learned hosts, then measures PACKET_IN chunks through
/// the core. The hosts are all on port 1, or with `hostsOnEveryPort` host n on port
/// n % 4 + 1 (so no destination is on its packet's own port). With `broadcasts`, every
/// measured packet goes to the broadcast address, two seconds after the switch came up
/// (when the topology app floods its edge ports).
func measure<App: ControllerApp>(
    _ benchmark: Benchmark, app: App, hostsOnEveryPort: Bool = false, broadcasts: Bool = false
) throws {
    var core = ControllerCore(app: app)
    let id = ConnectionID(1)
    var now = Instant(nanoseconds: 1_000_000_000)
    core.connectionOpened(id, now: now)
    var peer = SwitchPeer()
    try peer.handshake(&core, id, now: now)

    // Learn every host once (each is the source of one PACKET_IN), then cycle over
    // PACKET_INs whose destinations are all known.
    let hosts = (0..<100).map { MACAddress(rawValue: 0x0200_0000_0000 | UInt64($0 + 1)) }
    let port = { (host: MACAddress) -> UInt16 in hostsOnEveryPort ? UInt16((host.rawValue - 1) % 4 + 1) : 1 }
    let learning = try peer.packetIns((0..<100).map { (src: hosts[$0], dst: MACAddress.broadcast) }, port: port)
    core.receive(id, learning[...], now: now)
    _ = peer.drain(&core, id)
    let chunkSize = 100
    var chunks: [[UInt8]] = []
    for chunk in 0..<10 {
        chunks.append(try peer.packetIns((0..<chunkSize).map { i in
            let n = chunk * chunkSize + i
            return (src: hosts[n % 100], dst: broadcasts ? MACAddress.broadcast : hosts[(n * 7 + 3) % 100])
        }, port: port))
    }
    if broadcasts { now = now + .seconds(2) }
    // One chunk before measuring: the first answers make the app's templates its own
    // (their bytes were shared with the `app` value this function was given).
    chunks[0].withUnsafeBytes { core.receive(id, $0, now: now) }
    _ = peer.drain(&core, id)
    var answered = 0
    var next = 0
    var pending = 0
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
        pending += 1
        if pending == chunkSize {
            pending = 0
            now = now + .microseconds(10)
            chunks[next].withUnsafeBytes { core.receive(id, $0, now: now) }
            next = next == chunks.count - 1 ? 0 : next + 1
            answered &+= peer.drain(&core, id)
        }
    }
    benchmark.stopMeasurement()
    blackHole(answered)
    precondition(core.counters.errorsSent == 0 && core.counters.drops == 0, "the core refused or dropped something")
}

/// The switch side, just enough of it: the handshake, and PACKET_IN bytes.
struct SwitchPeer {
    private var nextBufferID: UInt32 = 0
    private var xid: UInt32 = 0x4000_0000

    /// HELLO, then FEATURES_REPLY (256 buffers, 4 ports) to the core's FEATURES_REQUEST.
    mutating func handshake<App: ControllerApp>(_ core: inout ControllerCore<App>, _ id: ConnectionID, now: Instant) throws {
        core.receive(id, try OpenFlowMessage(xid: 1, .hello(Hello())).encoded()[...], now: now)
        var output: [UInt8] = []
        core.withOutput(id) { bytes in
            output.append(contentsOf: bytes)
            return bytes.count
        }
        var request: UInt32?
        var framer = Framer()
        framer.append(output[...])
        while let frame = try framer.next() {
            let message = try OpenFlowMessage.decode(frame)
            if case .featuresRequest = message.message { request = message.xid }
        }
        guard let request else { fatalError("no FEATURES_REQUEST from the core") }
        let ports = (1...4).map { n in
            PhyPort(portNumber: PortNumber(UInt16(n)), hardwareAddress: MACAddress(rawValue: UInt64(n)), name: "eth\(n)")
        }
        let features = SwitchFeatures(
            datapathID: 1, bufferCount: 256, tableCount: 1, capabilities: [.flowStats], actions: 0xfff, ports: ports)
        core.receive(id, try OpenFlowMessage(xid: request, .featuresReply(features)).encoded()[...], now: now)
        _ = drain(&core, id)
    }

    /// PACKET_INs (buffered, reason NO_MATCH, in the port `port` gives the source) of
    /// 64-byte IPv4 frames.
    mutating func packetIns(_ pairs: [(src: MACAddress, dst: MACAddress)], port: (MACAddress) -> UInt16) throws -> [UInt8] {
        var bytes: [UInt8] = []
        for pair in pairs {
            var frame = [UInt8](repeating: 0, count: 64)
            for i in 0..<6 {
                frame[i] = pair.dst[i]
                frame[6 + i] = pair.src[i]
            }
            frame[12] = 0x08
            frame[14] = 0x45
            xid &+= 1
            nextBufferID = (nextBufferID + 1) & 0xff
            let packetIn = PacketIn(
                bufferID: nextBufferID, totalLength: 64, inPort: PortNumber(port(pair.src)), reason: .noMatch, data: frame[...])
            try OpenFlowMessage(xid: xid, .packetIn(packetIn)).append(to: &bytes)
        }
        return bytes
    }

    /// Takes everything the core queued for the switch, as a socket write would;
    /// returns how many bytes.
    func drain<App: ControllerApp>(_ core: inout ControllerCore<App>, _ id: ConnectionID) -> Int {
        var taken = 0
        core.withOutput(id) { bytes in
            taken = bytes.count
            return bytes.count
        }
        return taken
    }
}
