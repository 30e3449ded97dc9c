import Devices
import NetStack
import NetStackHost
import Scheduler
import Testing
import TestSupport
import Wire

/// Two of our stacks, each on its own `NetInterface`, joined by an in-memory wire that
/// loses, reorders, duplicates and corrupts frames; a virtual clock, so nothing sleeps.
/// Data goes both ways through the `ByteStream`s the appliance loops use.
struct TwoStacksTests {
    /// No I/O of its own: waiting jumps the clock to the deadline, or to the next frame
    /// the wire holds back, whichever is first.
    final class Clock {
        var now = Instant.zero
    }

    struct VirtualClock: Platform {
        let clock: Clock
        let nextFrame: () -> Instant?
        func now() -> Instant { clock.now }
        mutating func wait(until deadline: Instant?, _ ready: (Readiness) -> Void) {
            let wake = [deadline, nextFrame()].compactMap { $0 }.min()
            if let wake, wake > clock.now { clock.now = wake }
        }
    }

    typealias Interface = NetInterface<SegmentingDevice, SoftPlatform<VirtualClock>>

    final class Network {
        let clock = Clock()
        let soft = SoftReadiness()
        let wire: MemoryWire
        let loop: RunLoop<SoftPlatform<VirtualClock>>
        let left: Interface
        let right: Interface
        static let leftAddress = IPv4Address(10, 0, 0, 1)
        static let rightAddress = IPv4Address(10, 0, 0, 2)

        /// With `offload`, the left side's device segments large TCP frames.
        init(faults: WireFaults, seed: UInt64, offload: Bool = false) {
            let clock = self.clock
            wire = MemoryWire(faults: faults, seed: seed, soft: soft, clock: { clock.now })
            let wire = self.wire
            loop = RunLoop(platform: SoftPlatform(
                base: VirtualClock(clock: clock, nextFrame: { [wire.a.nextDue, wire.b.nextDue].compactMap { $0 }.min() }),
                soft: soft))
            func stack(_ device: MemoryFrameDevice, _ address: IPv4Address, _ seed: UInt64) -> NetStack {
                NetStack(configuration: NetStackConfiguration(mac: device.macAddress, address: address, prefixLength: 24), seed: seed)
            }
            wire.a.watch(token: 1)
            wire.b.watch(token: 2)
            left = NetInterface(
                device: SegmentingDevice(wire.a, offload: offload), stack: stack(wire.a, Self.leftAddress, seed), loop: loop, soft: soft,
                deviceToken: 1)
            right = NetInterface(
                device: SegmentingDevice(wire.b, offload: false), stack: stack(wire.b, Self.rightAddress, seed &+ 1), loop: loop, soft: soft,
                deviceToken: 2)
            left.start()
            right.start()
        }
    }

    /// One direction of a transfer: writes `data` as the stream takes it, reads what the
    /// other side sends, and closes its sending side once everything is out.
    final class Pump<S: ByteStream> {
        let stream: S
        let data: [UInt8]
        /// The token the stream is watched under (writability is dropped once all is sent).
        let token: UInt64
        var sent = 0
        var received: [UInt8] = []
        var peerDone = false
        var failure: String?

        init(_ stream: S, token: UInt64, data: [UInt8]) {
            self.stream = stream
            self.token = token
            self.data = data
        }

        func run() {
            do {
                while sent < data.count {
                    let count = try data.withUnsafeBytes { bytes throws(StreamError) in
                        try stream.write(from: UnsafeRawBufferPointer(rebasing: bytes[sent...]))
                    }
                    if count == 0 { break }
                    sent += count
                }
                var buffer = [UInt8](repeating: 0, count: 1 << 15)
                reading: while !peerDone, received.count < data.count {
                    let result = try buffer.withUnsafeMutableBytes { bytes throws(StreamError) in try stream.read(into: bytes) }
                    switch result {
                    case .bytes(let count): received += buffer[..<count]
                    case .wouldBlock: break reading
                    case .closed: peerDone = true
                    }
                }
                // Watch only for what is still to do, as a real application would.
                try stream.watch(token: token, readable: !peerDone && received.count < data.count, writable: sent < data.count)
            } catch {
                failure = (error as? StreamError)?.description ?? "\(error)"
            }
        }
    }

    static func pattern(_ count: Int, seed: UInt64) -> [UInt8] {
        var random = SplitMix64(seed: seed)
        return random.bytes(count)
    }

    /// Opens left -> right:5000, sends `size` bytes each way at once, and checks both.
    /// With `offload`, the left side sends through a device that segments, and must
    /// have used it.
    func transfer(size: Int, faults: WireFaults, seed: UInt64, limit: Interval, offload: Bool = false) throws {
        let network = Network(faults: faults, seed: seed, offload: offload)
        let listener = try NetTCPListener(port: 5000, interface: network.right)
        let client = try network.left.connect(to: Network.rightAddress, port: 5000)
        var server: NetTCPStream<SegmentingDevice, SoftPlatform<VirtualClock>>?
        let forward = Pump(client, token: 11, data: Self.pattern(size, seed: seed))
        var backward: Pump<NetTCPStream<SegmentingDevice, SoftPlatform<VirtualClock>>>?
        try listener.watch(token: 10)
        try client.watch(token: 11, readable: true, writable: true)
        network.loop.register(token: 10) { _ in
            while let accepted = try? listener.accept() {
                guard server == nil else {
                    accepted.close()
                    continue
                }
                server = accepted
                backward = Pump(accepted, token: 12, data: Self.pattern(size, seed: seed &+ 7))
                try? accepted.watch(token: 12, readable: true, writable: true)
            }
        }
        network.loop.register(token: 11) { _ in forward.run() }
        network.loop.register(token: 12) { _ in backward?.run() }
        let deadline = Instant.zero + limit
        var turns = 0
        while network.clock.now < deadline, turns < 1_000_000 {
            network.loop.turn()
            turns += 1
            if forward.received.count >= size, let backward, backward.received.count >= size { break }
            if forward.failure != nil || backward?.failure != nil { break }
        }
        client.close()
        server?.close()
        let wire = network.wire
        let summary = "seed \(seed), \(network.clock.now.nanoseconds / 1_000_000) ms virtual, \(turns) turns, wire dropped \(wire.dropped) corrupted \(wire.corrupted) duplicated \(wire.duplicated) reordered \(wire.reordered)"
        #expect(forward.failure == nil, "\(summary): \(forward.failure ?? "")")
        #expect(backward?.failure == nil, "\(summary)")
        let rightIntact = backward?.received == forward.data
        let leftIntact = forward.received == backward?.data
        #expect(rightIntact, "\(summary): right got \(backward?.received.count ?? 0) of \(size)")
        #expect(leftIntact, "\(summary): left got \(forward.received.count) of \(size)")
        if offload {
            let device = network.left.device
            #expect(device.framesSegmented > 0 && device.largestTaken > 1514, "\(summary)")
            #expect(network.left.stack.counters.segmentsOffloaded == UInt64(device.framesSegmented), "\(summary)")
            #expect(network.right.stack.tcp.counters.badChecksum == 0 || faults.corruption > 0, "\(summary)")
        }
        wire.cut()
    }

    @Test func aMegabyteEachWayOnACleanWire() throws {
        try transfer(size: 1 << 20, faults: WireFaults(), seed: 1, limit: .seconds(60))
    }

    /// Through a device that segments, as a tap with offloads: MemoryWire drops any
    /// frame over 1514 bytes, so a piece cut wrong or left whole shows.
    @Test func aMegabyteEachWayWithSegmentationOffloadOnOneSide() throws {
        try transfer(size: 1 << 20, faults: WireFaults(), seed: 3, limit: .seconds(60), offload: true)
    }

    @Test func twoMegabytesEachWayWithSegmentationOffloadThroughLossAndReordering() throws {
        var faults = WireFaults()
        faults.loss = 0.03
        faults.reordering = 0.02
        faults.delay = .milliseconds(1)
        try transfer(size: 2 << 20, faults: faults, seed: 31, limit: .seconds(600), offload: true)
    }

    /// One fault at a time, so a failure names its cause.
    @Test(arguments: ["loss", "reordering", "duplication", "corruption", "delay"])
    func twoMegabytesEachWayThroughOneFault(kind: String) throws {
        var faults = WireFaults()
        switch kind {
        case "loss": faults.loss = 0.05
        case "reordering": faults.reordering = 0.05
        case "duplication": faults.duplication = 0.05
        case "corruption": faults.corruption = 0.02
        default: faults.delay = .milliseconds(5)
        }
        try transfer(size: 2 << 20, faults: faults, seed: 21, limit: .seconds(600))
    }

    @Test(arguments: [11, 12] as [UInt64])
    func tenMegabytesEachWayThroughLossReorderingDuplicationAndCorruption(seed: UInt64) throws {
        var faults = WireFaults()
        faults.loss = 0.05
        faults.reordering = 0.02
        faults.duplication = 0.02
        faults.corruption = 0.01
        faults.delay = .microseconds(200)
        try transfer(size: 10 << 20, faults: faults, seed: seed, limit: .seconds(3600))
    }
}
