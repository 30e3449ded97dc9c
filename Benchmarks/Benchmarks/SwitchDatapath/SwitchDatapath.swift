import Benchmark
import BenchmarkSupport
import OpenFlow
import Scheduler
import Switch
import Wire

/// The switch's packet path: `Datapath.receive` on a frame, then the frames it sends
/// taken as the port backend takes them (`forEachTransmission`), or the PACKET_INs it
/// queues taken as the agent takes them (`takeAsyncOutput`).
/// Each benchmark iteration handles 1000 packets (`scaledIterations`), so the table shows
/// per-packet values. Each iteration builds its datapath and sends every frame through
/// it once, checking what comes out, before measuring: the measured packets find the
/// arena, the send list and the async buffer already grown.
///
/// Every path here must allocate nothing. The scaled `mallocCountTotal` column rounds
/// down (one malloc per 1000 packets reads 0), so check with
/// `scripts/bench.sh --filter 'Datapath.*' --allocation-stacks`, which counts every
/// allocation in the measured region.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = BenchmarkMode.configuration

    // 1000 exact-match flows, one per 5-tuple, as a reactive learning controller
    // installs them (all twelve fields, idle timeout, one OUTPUT); the frames cycle over
    // all of them, so every flow is hit once per iteration.
    Benchmark("Datapath exact-match hit, 1000 flows, output") { benchmark in
        var stream = FrameStream(count: 1000)
        var datapath = Bench.datapath()
        for i in 0..<stream.count {
            try Bench.install(&datapath, match: Match(frame: stream.frame(i), inPort: Bench.inPort), actions: [.output(port: Bench.outPort)])
        }
        Bench.expectForwarding(&datapath, &stream, flows: 1000)
        Bench.measureForwarding(benchmark, &datapath, &stream) { frame in frame.count }
    }

    // The same flows with a rewrite before the output: the packet is copied into the
    // arena, its source address changed and the IPv4 and TCP checksums updated (RFC 1624).
    Benchmark("Datapath exact-match hit, 1000 flows, SET_NW_SRC + output") { benchmark in
        var stream = FrameStream(count: 1000)
        var datapath = Bench.datapath()
        let newSource = IPv4Address(192, 0, 2, 1)
        for i in 0..<stream.count {
            try Bench.install(
                &datapath, match: Match(frame: stream.frame(i), inPort: Bench.inPort),
                actions: [.setNWSrc(newSource), .output(port: Bench.outPort)])
        }
        Bench.expectForwarding(&datapath, &stream, flows: 1000, rewrittenSource: newSource)
        Bench.measureForwarding(benchmark, &datapath, &stream) { frame in Int(frame[29]) }
    }

    // 16 wildcard flows in priority order (in_port, IPv4, TCP, nw_dst 10.0.k.0/24 for
    // k = 0...15, priority 1000 - k), no exact flows. The frames go to 10.0.0.x (the
    // first rule matches) or to 10.0.15.x (only the last one does: 15 masked compares
    // fail first).
    for (rank, subnet) in [(1, UInt8(0)), (16, UInt8(15))] {
        Benchmark("Datapath wildcard hit, rule \(rank) of 16, output") { benchmark in
            var stream = FrameStream(count: 1000, destinationSubnet: subnet)
            var datapath = Bench.datapath()
            for k in 0..<16 {
                var match = Match(
                    wildcards: .all.subtracting([.inPort, .dlType, .nwProto]), inPort: Bench.inPort, dlType: 0x0800,
                    nwProto: 6, nwDst: IPv4Address(10, 0, UInt8(k), 0))
                match.wildcards.nwDstWildcardBits = 8
                try Bench.install(&datapath, match: match, priority: UInt16(1000 - k), actions: [.output(port: Bench.outPort)])
            }
            Bench.expectForwarding(&datapath, &stream, flows: 16)
            let hit = datapath.flowStats(FlowStatsRequest(), now: Bench.now).filter { $0.packetCount > 0 }
            precondition(hit.count == 1 && hit[0].priority == 1000 - UInt16(subnet) && hit[0].packetCount == UInt64(stream.count))
            Bench.measureForwarding(benchmark, &datapath, &stream) { frame in frame.count }
        }
    }

    // A firewall-like table: 10,000 TCP rules over 32 distinct masks (nw_src /8, /16,
    // /24 or /32, times the same for nw_dst, times tp_dst exact or wildcarded), with
    // spread priorities, actions output or drop, none matching the frames; plus one rule
    // the frames hit (10.1.0.0/16 to 10.0.0.0/24 port 80, priority 20000) and a default
    // (any IPv4, priority 1). "hit": frames to 10.0.0.x; "default": frames to 10.0.99.x,
    // which fall through every rule to the default: the tuple-space lookup's worst case
    // (a hash probe in each of the 33 masks).
    for (name, subnet) in [("hit", UInt8(0)), ("default", UInt8(99))] {
        Benchmark("Datapath wildcard \(name), 10000 rules over 32 masks") { benchmark in
            var stream = FrameStream(count: 1000, destinationSubnet: subnet)
            var datapath = Bench.datapath()
            try Bench.installFirewall(&datapath)
            Bench.expectForwarding(&datapath, &stream, flows: 10_002)
            Bench.measureForwarding(benchmark, &datapath, &stream) { frame in frame.count }
        }
    }

    // A table miss in controller mode: the packet is buffered (n_buffers 256, the
    // default) and a PACKET_IN with its first miss_send_len (128) bytes is queued. The
    // virtual clock moves 20 ms per packet, so a buffer has expired (5 s) by the time
    // the cursor comes back to it and every packet gets one, as under steady load with a
    // controller that lets buffers lapse. The agent's part is drained once per iteration
    // (1000 PACKET_INs, 92 KiB).
    Benchmark("Datapath miss to PACKET_IN, 256 buffers") { benchmark in
        try missToPacketIn(benchmark, buffers: 256)
    }

    // The same with n_buffers 0: every PACKET_IN carries the whole frame, no buffer.
    Benchmark("Datapath miss to PACKET_IN, no buffers") { benchmark in
        try missToPacketIn(benchmark, buffers: 0)
    }
}

func missToPacketIn(_ benchmark: Benchmark, buffers: Int) throws {
    var stream = FrameStream(count: 1000)
    var settings = DatapathSettings()
    settings.bufferCount = buffers
    var datapath = Bench.datapath(settings)
    var now = Bench.now
    let step = Interval(nanoseconds: 20_000_000)
    // Check the first iteration's worth: one buffered (or whole) PACKET_IN per packet.
    for _ in 0..<stream.count {
        now = now + step
        datapath.receive(frame: stream.next(), inPort: Bench.inPort, now: now)
        precondition(datapath.transmissions.isEmpty)
    }
    precondition(datapath.counters.packetIns == UInt64(stream.count), "not every miss made a PACKET_IN")
    var checked = 0
    datapath.takeAsyncOutput { bytes in
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            let length = Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
            precondition(bytes[offset + 1] == 10, "not a PACKET_IN")
            let bufferID = bytes[(offset + 8)..<(offset + 12)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            precondition((bufferID == BufferID.none) == (buffers == 0), "buffer_id \(bufferID) with \(buffers) buffers")
            precondition(length == 18 + (buffers == 0 ? FrameStream.frameLength : min(128, FrameStream.frameLength)))
            offset += length
            checked += 1
        }
    }
    precondition(checked == stream.count)
    var sink = 0
    benchmark.startMeasurement()
    for _ in benchmark.scaledIterations {
        now = now + step
        datapath.receive(frame: stream.next(), inPort: Bench.inPort, now: now)
    }
    datapath.takeAsyncOutput { bytes in sink &+= bytes.count }
    benchmark.stopMeasurement()
    precondition(datapath.counters.packetInDrops == 0)
    blackHole(sink)
}

enum Bench {
    static let inPort = PortNumber(1)
    static let outPort = PortNumber(2)
    static let now = Instant(nanoseconds: 1_000_000_000)

    /// The measured loop of the hit benchmarks: one frame in, its transmissions read as
    /// the port backend reads them; `digest` touches the bytes a benchmark cares about,
    /// and the sum goes to `blackHole` so nothing is optimised away.
    static func measureForwarding(
        _ benchmark: Benchmark, _ datapath: inout Datapath, _ stream: inout FrameStream,
        digest: (UnsafeRawBufferPointer) -> Int
    ) {
        var sink = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            datapath.receive(frame: stream.next(), inPort: inPort, now: now)
            datapath.forEachTransmission { port, _, frame in sink &+= Int(port.rawValue) &+ digest(frame) }
        }
        benchmark.stopMeasurement()
        blackHole(sink)
    }

    /// A datapath in controller mode with ports 1 to 4, its PORT_STATUS messages dropped.
    static func datapath(_ settings: DatapathSettings = DatapathSettings()) -> Datapath {
        var datapath = Datapath(settings: settings)
        for n in UInt16(1)...4 {
            datapath.addPort(
                PhyPort(
                    portNumber: PortNumber(n), hardwareAddress: MACAddress(rawValue: 0x0A_00_00_00_00_00 | UInt64(n)),
                    name: "eth\(n)", current: [.rate1GbFD, .copper]))
        }
        datapath.clearAsyncOutput()
        precondition(datapath.mode == .controller)
        return datapath
    }

    /// The firewall of the 10,000-rule benchmarks (see there); the frames' rule and the
    /// default send out of `outPort`.
    static func installFirewall(_ datapath: inout Datapath) throws {
        let prefixes = [8, 16, 24, 32]
        for r in 0..<10_000 {
            let shape = r % 32
            var match = Match(
                wildcards: .all.subtracting([.dlType, .nwProto]), dlType: 0x0800, nwProto: 6,
                nwSrc: IPv4Address(rawValue: 0xAC10_0000 | UInt32(truncatingIfNeeded: r &* 2_654_435_761) & 0xFFFF),
                nwDst: IPv4Address(rawValue: 0xC0A8_0000 | UInt32(truncatingIfNeeded: r &* 40_503) & 0xFFFF),
                tpDst: UInt16(1000 + r % 5000))
            match.wildcards.nwSrcWildcardBits = 32 - prefixes[shape % 4]
            match.wildcards.nwDstWildcardBits = 32 - prefixes[shape / 4 % 4]
            if shape >= 16 { match.wildcards.remove(.tpDst) }
            let priority = UInt16(100 + (r &* 7919) % 30_000)
            try install(&datapath, match: match, priority: priority, actions: r % 3 == 0 ? [] : [.output(port: PortNumber(3))])
        }
        var hit = Match(
            wildcards: .all.subtracting([.dlType, .nwProto, .tpDst]), dlType: 0x0800, nwProto: 6,
            nwSrc: IPv4Address(10, 1, 0, 0), nwDst: IPv4Address(10, 0, 0, 0), tpDst: 80)
        hit.wildcards.nwSrcWildcardBits = 16
        hit.wildcards.nwDstWildcardBits = 8
        try install(&datapath, match: hit, priority: 20_000, actions: [.output(port: outPort)])
        try install(&datapath, match: Match(wildcards: .all.subtracting(.dlType), dlType: 0x0800), priority: 1, actions: [.output(port: outPort)])
    }

    static func install(_ datapath: inout Datapath, match: Match, priority: UInt16 = FlowMod.defaultPriority, actions: [Action]) throws {
        try datapath.flowMod(
            FlowMod(match: match, command: .add, idleTimeout: 60, priority: priority, actions: actions), now: now)
    }

    /// Every frame of the stream goes out of `outPort`, once, as the flows say; then the
    /// stream starts again from its first frame.
    static func expectForwarding(_ datapath: inout Datapath, _ stream: inout FrameStream, flows: Int, rewrittenSource: IPv4Address? = nil) {
        precondition(datapath.flowCount == flows)
        for _ in 0..<stream.count {
            let frame = stream.next()
            datapath.receive(frame: frame, inPort: inPort, now: now)
            var sent = 0
            datapath.forEachTransmission { port, queueID, bytes in
                precondition(port == outPort && queueID == nil && bytes.count == frame.count)
                if let rewrittenSource {
                    let source = bytes[26..<30].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                    precondition(source == rewrittenSource.rawValue, "source address not rewritten")
                    let copy = Array(bytes)
                    precondition(InternetChecksum.checksum(copy[14..<34]) == 0, "IPv4 checksum")
                    let destination = copy[30..<34].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
                    let pseudo = InternetChecksum.pseudoHeaderSum(
                        source: rewrittenSource, destination: IPv4Address(rawValue: destination), protocol: 6,
                        length: copy.count - 34)
                    precondition(InternetChecksum.checksum(copy[34...], initial: pseudo) == 0, "TCP checksum")
                } else {
                    precondition(bytes.elementsEqual(frame), "frame changed")
                }
                sent += 1
            }
            precondition(sent == 1, "\(sent) transmissions")
        }
        precondition(datapath.tableStats[0].matchedCount == UInt64(stream.count))
        datapath.clearTransmissions()
    }
}

/// `count` different TCP SYN frames (74 bytes, valid IPv4 and TCP checksums) from
/// distinct hosts to one server, back to back in one array as a receive ring holds them,
/// handed out in turn as slices.
struct FrameStream {
    static let frameLength = 74
    let bytes: [UInt8]
    let count: Int
    var position = 0

    init(count: Int, destinationSubnet: UInt8 = 0) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count * Self.frameLength)
        for i in 0..<count {
            bytes += Self.frame(i, destination: IPv4Address(10, 0, destinationSubnet, 254))
        }
        self.bytes = bytes
        self.count = count
    }

    func frame(_ i: Int) -> ArraySlice<UInt8> {
        bytes[(i * Self.frameLength)..<((i + 1) * Self.frameLength)]
    }

    mutating func next() -> ArraySlice<UInt8> {
        defer { position = position + 1 == count ? 0 : position + 1 }
        return frame(position)
    }

    /// Host `i` (MAC 02:00:00:00:hi:lo, 10.1.hi.lo, port 40000 + i) opening a TCP
    /// connection to port 80 of `destination`.
    static func frame(_ i: Int, destination: IPv4Address) -> [UInt8] {
        let (hi, lo) = (UInt8(i >> 8 & 0xFF), UInt8(i & 0xFF))
        let source = IPv4Address(10, 1, hi, lo)
        let sourcePort = UInt16(40000 + i % 20000)
        var frame: [UInt8] = [
            0x02, 0x00, 0x00, 0x00, 0xFF, 0x01, 0x02, 0x00, 0x00, 0x00, hi, lo, 0x08, 0x00,
            // IPv4: 20 bytes, total length 60, DF, TTL 64, TCP.
            0x45, 0x00, 0x00, 0x3C, 0x1C, 0x46, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
        ]
        frame += be32(source.rawValue) + be32(destination.rawValue)
        // TCP SYN with MSS, SACK-permitted, timestamps and window-scale options.
        let segmentStart = frame.count
        frame += be16(sourcePort) + be16(80) + [
            0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
            0xA0, 0x02, 0x72, 0x10, 0x00, 0x00, 0x00, 0x00,
            0x02, 0x04, 0x05, 0xB4, 0x04, 0x02, 0x08, 0x0A, 0x00, 0x00, 0x00, 0x01,
            0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
        ]
        precondition(frame.count == frameLength)
        let ipChecksum = InternetChecksum.checksum(frame[14..<34])
        frame[24] = UInt8(ipChecksum >> 8)
        frame[25] = UInt8(ipChecksum & 0xFF)
        let pseudo = InternetChecksum.pseudoHeaderSum(
            source: source, destination: destination, protocol: 6, length: frame.count - segmentStart)
        let tcpChecksum = InternetChecksum.checksum(frame[segmentStart...], initial: pseudo)
        frame[segmentStart + 16] = UInt8(tcpChecksum >> 8)
        frame[segmentStart + 17] = UInt8(tcpChecksum & 0xFF)
        return frame
    }

    static func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xFF)] }
    static func be32(_ value: UInt32) -> [UInt8] { [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)] }
}
