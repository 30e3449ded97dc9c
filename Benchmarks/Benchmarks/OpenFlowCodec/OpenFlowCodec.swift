import Benchmark
import BenchmarkSupport
import OpenFlow
import Wire

/// The controller's hot path, PACKET_IN in and FLOW_MOD out, and its two halves.
/// Each benchmark iteration handles 1000 messages (`scaledIterations`), so the
/// harness's per-iteration cost does not dominate; the table shows per-message values.
/// The architecture's rule 3 says this path allocates nothing: `mallocCountTotal`
/// must read 0 once warmed up.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = BenchmarkMode.configuration

    Benchmark("PACKET_IN to FLOW_MOD") { benchmark in
        var input = PacketInStream()
        var output = OutputBuffer()
        var flowMod = flowModTemplate()
        // One answer before measuring: its write gives the FLOW_MOD an actions array of
        // its own (the first one copies; the loop's then write in place).
        _ = try answer(input.next(), with: &flowMod)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let xid = try answer(input.next(), with: &flowMod)
            try output.write(OpenFlowMessage(xid: xid, .flowMod(flowMod)))
        }
        benchmark.stopMeasurement()
        blackHole(output)
    }

    // The same, appending to a reused [UInt8] as the controller's session output does
    // (`OpenFlowMessage.append(to:)`), emptied as after a socket write when nearly full.
    Benchmark("PACKET_IN to FLOW_MOD, append(to:)") { benchmark in
        var input = PacketInStream()
        var output: [UInt8] = []
        output.reserveCapacity(1 << 16)
        var flowMod = flowModTemplate()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let xid = try answer(input.next(), with: &flowMod)
            if output.count > (1 << 16) - 256 { output.removeAll(keepingCapacity: true) }
            try OpenFlowMessage(xid: xid, .flowMod(flowMod)).append(to: &output)
        }
        benchmark.stopMeasurement()
        blackHole(output)
    }

    // The same, encoding the FLOW_MOD directly (`FlowMod.encode(xid:into:)`) rather than
    // through an `OpenFlowMessage`, which saves copying the message enum.
    Benchmark("PACKET_IN to FLOW_MOD, direct encode") { benchmark in
        var input = PacketInStream()
        var output = OutputBuffer()
        var flowMod = flowModTemplate()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let xid = try answer(input.next(), with: &flowMod)
            try output.write(flowMod, xid: xid)
        }
        benchmark.stopMeasurement()
        blackHole(output)
    }

    Benchmark("PACKET_IN decode") { benchmark in
        var input = PacketInStream()
        var sum = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            let message = try OpenFlowMessage.decode(input.next())
            guard case .packetIn(let packetIn) = message.message else { fatalError("not a PACKET_IN") }
            sum &+= packetIn.data.count &+ Int(packetIn.bufferID)
        }
        benchmark.stopMeasurement()
        blackHole(sum)
    }

    Benchmark("FLOW_MOD encode") { benchmark in
        var output = OutputBuffer()
        var flowMod = flowModTemplate()
        flowMod.match = Match(frame: PacketInStream.frame(0)[...], inPort: PortNumber(1))
        benchmark.startMeasurement()
        for i in benchmark.scaledIterations {
            flowMod.bufferID = UInt32(truncatingIfNeeded: i)
            try output.write(OpenFlowMessage(xid: UInt32(truncatingIfNeeded: i), .flowMod(flowMod)))
        }
        benchmark.stopMeasurement()
        blackHole(output)
    }
}

/// What a reactive controller installs for a missed packet: an exact match, the
/// switch's buffer, an idle timeout and one output action (filled in per packet).
func flowModTemplate() -> FlowMod {
    FlowMod(match: Match(), command: .add, idleTimeout: 10, actions: [.output(port: PortNumber(1))])
}

/// 64 different PACKET_INs back to back in one array, as a framer would hold them,
/// handed out in turn as slices of it.
struct PacketInStream {
    let bytes: [UInt8]
    let ranges: [Range<Int>]
    var position = 0

    init() {
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        for i in 0..<64 {
            let frame = Self.frame(i)
            let packetIn = PacketIn(
                bufferID: UInt32(i + 1), totalLength: UInt16(frame.count), inPort: PortNumber(UInt16(i % 8 + 1)),
                reason: .noMatch, data: frame[...])
            let start = bytes.count
            try! OpenFlowMessage(xid: UInt32(i), .packetIn(packetIn)).append(to: &bytes)
            ranges.append(start..<bytes.count)
        }
        self.bytes = bytes
        self.ranges = ranges
    }

    mutating func next() -> ArraySlice<UInt8> {
        defer { position = (position + 1) & 63 }
        return bytes[ranges[position]]
    }

    /// A 74-byte TCP SYN (with options) from host `i`, as cbench-like switches send.
    static func frame(_ i: Int) -> [UInt8] {
        let host = UInt8(i & 0xFF)
        return [
            0x00, 0x00, 0x00, 0x00, 0x00, 0xFE, 0x00, 0x16, 0x3E, 0x00, 0x01, host, 0x08, 0x00,
            0x45, 0x00, 0x00, 0x3C, 0x1C, 0x46, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
            10, 0, 1, host, 10, 0, 0, 254,
            0xC0, host, 0x00, 0x50, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
            0xA0, 0x02, 0x72, 0x10, 0x00, 0x00, 0x00, 0x00,
            0x02, 0x04, 0x05, 0xB4, 0x04, 0x02, 0x08, 0x0A, 0x00, 0x00, 0x00, 0x01,
            0x00, 0x00, 0x00, 0x00, 0x01, 0x03, 0x03, 0x07,
        ]
    }
}

/// A preallocated 64 KiB send buffer: messages are encoded straight into it, and it is
/// reset (as after a socket write) when the next one does not fit.
struct OutputBuffer {
    let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 8)
    var writer: ByteWriter

    init() { writer = ByteWriter(storage) }

    mutating func write(_ message: OpenFlowMessage) throws(OpenFlowError) {
        if writer.remaining < message.wireLength { writer = ByteWriter(storage) }
        try message.encode(into: &writer)
    }

    mutating func write(_ flowMod: FlowMod, xid: UInt32) throws(OpenFlowError) {
        if writer.remaining < flowMod.wireLength { writer = ByteWriter(storage) }
        try flowMod.encode(xid: xid, into: &writer)
    }
}

/// The controller's work on one PACKET_IN, shared by the end-to-end benchmarks: decode
/// it, build the exact match, and fill the reused FLOW_MOD (buffer id, output port).
/// Returns the xid to answer with.
@inline(__always)
func answer(_ bytes: ArraySlice<UInt8>, with flowMod: inout FlowMod) throws(OpenFlowError) -> UInt32 {
    let message = try OpenFlowMessage.decode(bytes)
    guard case .packetIn(let packetIn) = message.message else { fatalError("not a PACKET_IN") }
    flowMod.match = Match(frame: packetIn.data, inPort: packetIn.inPort)
    flowMod.bufferID = packetIn.bufferID
    flowMod.actions[0] = .output(port: PortNumber(packetIn.inPort.rawValue % 4 + 1))
    return message.xid
}
