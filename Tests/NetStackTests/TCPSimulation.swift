@testable import NetStack
import Scheduler
import TestSupport
import Wire

/// Two `TCPLayer`s on an in-memory wire with a virtual clock. Every segment either
/// layer writes goes through `conditions` (loss, duplication, corruption, delay with
/// jitter, which reorders) and an optional `filter`, then to the other layer's
/// `receive` when its delivery time comes. Events are collected per side.
struct TCPSimulation {
    enum Side: Equatable { case a, b }

    struct Conditions {
        var loss = 0.0
        var duplicate = 0.0
        var corrupt = 0.0
        var delay = Interval.milliseconds(1)
        /// Extra random delay up to this much; above the gap between segments it reorders.
        var jitter = Interval.zero
    }

    /// One segment as it left a layer.
    struct Sent {
        var from: Side
        var at: Instant
        var bytes: [UInt8]
        var header: TCPHeader { try! TCPHeader(bytes[...]) }
        var flags: UInt16 { header.flags }
        var sequence: UInt32 { header.sequenceNumber }
        var ack: UInt32 { header.acknowledgmentNumber }
        var payloadCount: Int { header.payload.count }
        func has(_ flag: UInt16) -> Bool { flags & flag != 0 }
    }

    private struct InFlight {
        var deliverAt: Instant
        var order: Int
        var to: Side
        var bytes: [UInt8]
    }

    static let addressA = IPv4Address(10, 0, 0, 1)
    static let addressB = IPv4Address(10, 0, 0, 2)

    var a: TCPLayer
    var b: TCPLayer
    var now = Instant(nanoseconds: 1_000_000_000)
    var conditions = Conditions()
    /// Returns false to drop a segment before the wire conditions apply.
    var filter: ((Sent) -> Bool)?
    var rng: SplitMix64
    let seed: UInt64
    var eventsA: [TCPEvent] = []
    var eventsB: [TCPEvent] = []
    /// Every segment written, in order (kept when `recording`).
    var sent: [Sent] = []
    var recording = true
    private var inFlight: [InFlight] = []
    private var order = 0
    private var buffer = [UInt8](repeating: 0, count: 2048)

    init(limits: TCPLimits = TCPLimits(), limitsB: TCPLimits? = nil, seed: UInt64 = propertySeed) {
        a = TCPLayer(limits: limits, seed: seed)
        b = TCPLayer(limits: limitsB ?? limits, seed: seed &+ 1)
        rng = SplitMix64(seed: seed)
        self.seed = seed
    }

    func layer(_ side: Side) -> TCPLayer { side == .a ? a : b }
    func address(_ side: Side) -> IPv4Address { side == .a ? Self.addressA : Self.addressB }

    // MARK: Driving

    /// Moves every segment the layers want to send onto the wire and collects events.
    mutating func flush() {
        for side in [Side.a, Side.b] {
            while let out = withLayer(side, { layer, buffer, now in buffer.withUnsafeMutableBytes { layer.nextSegment(now: now, into: $0) } }) {
                let bytes = Array(buffer[0..<out.length])
                let segment = Sent(from: side, at: now, bytes: bytes)
                if recording { sent.append(segment) }
                transmit(segment)
            }
        }
        while let event = a.nextEvent() { eventsA.append(event) }
        while let event = b.nextEvent() { eventsB.append(event) }
    }

    private mutating func withLayer<R>(_ side: Side, _ body: (inout TCPLayer, inout [UInt8], Instant) -> R) -> R {
        side == .a ? body(&a, &buffer, now) : body(&b, &buffer, now)
    }

    private mutating func transmit(_ segment: Sent) {
        if let filter, !filter(segment) { return }
        if chance(conditions.loss) { return }
        let copies = chance(conditions.duplicate) ? 2 : 1
        for _ in 0..<copies {
            var bytes = segment.bytes
            if chance(conditions.corrupt) {
                let i = rng.int(0..<bytes.count)
                bytes[i] ^= UInt8(rng.int(1...255))
            }
            var delay = conditions.delay.nanoseconds
            if conditions.jitter.nanoseconds > 0 { delay += rng.u64() % conditions.jitter.nanoseconds }
            order += 1
            let item = InFlight(deliverAt: now + Interval(nanoseconds: delay), order: order, to: segment.from == .a ? .b : .a, bytes: bytes)
            // Kept sorted by delivery time, then by order sent.
            var low = 0
            var high = inFlight.count
            while low < high {
                let mid = (low + high) / 2
                if inFlight[mid].deliverAt <= item.deliverAt { low = mid + 1 } else { high = mid }
            }
            inFlight.insert(item, at: low)
        }
    }

    private mutating func chance(_ p: Double) -> Bool {
        p > 0 && Double(rng.next() >> 11) / Double(1 << 53) < p
    }

    /// Hands a segment straight to one side, as if from the other's address.
    mutating func inject(_ bytes: [UInt8], to side: Side) {
        let source = side == .a ? Self.addressB : Self.addressA
        withLayer(side) { layer, _, now in layer.receive(source: source, destination: side == .a ? Self.addressA : Self.addressB, segment: bytes[...], now: now) }
        flush()
    }

    /// Delivers what is due, fires due timers, then jumps to the next instant anything
    /// happens. False when nothing is left to happen.
    @discardableResult
    mutating func step() -> Bool {
        flush()
        var next = earliest(a.nextDeadline, b.nextDeadline)
        if let due = inFlight.first?.deliverAt { next = earliest(next, due) }
        guard let next else { return false }
        if now < next { now = next }
        a.tick(now: now)
        b.tick(now: now)
        flush()
        while let first = inFlight.first, !(now < first.deliverAt) {
            let segment = inFlight.removeFirst()
            let source = segment.to == .a ? Self.addressB : Self.addressA
            let destination = segment.to == .a ? Self.addressA : Self.addressB
            withLayer(segment.to) { layer, _, now in layer.receive(source: source, destination: destination, segment: segment.bytes[...], now: now) }
            flush()
        }
        return true
    }

    private func earliest(_ x: Instant?, _ y: Instant?) -> Instant? {
        guard let x else { return y }
        guard let y else { return x }
        return min(x, y)
    }

    /// Steps until `done` holds (checked after every step) or `limit` of virtual time
    /// passes; returns whether `done` held.
    @discardableResult
    mutating func run(for limit: Interval = .seconds(600), until done: (inout TCPSimulation) -> Bool) -> Bool {
        let end = now + limit
        flush()
        if done(&self) { return true }
        while now < end {
            guard step() else { return done(&self) }
            if done(&self) { return true }
        }
        return false
    }

    /// Steps until nothing is scheduled before `now + interval`, then sets the clock there.
    mutating func advance(by interval: Interval) {
        let end = now + interval
        while true {
            flush()
            var next = earliest(a.nextDeadline, b.nextDeadline)
            if let due = inFlight.first?.deliverAt { next = earliest(next, due) }
            guard let next, next <= end else { break }
            step()
        }
        now = end
    }

    var wireIsEmpty: Bool { inFlight.isEmpty }

    // MARK: Opening

    /// B listens on `port`, A connects; returns both ends once established.
    mutating func open(port: UInt16 = 6633) -> (client: TCPHandle, server: TCPHandle) {
        let listener = try! b.listen(port: port)
        let client = try! a.connect(from: Self.addressA, to: Self.addressB, port: port, now: now)
        var server: TCPHandle?
        run(for: .seconds(10)) { sim in
            if server == nil, sim.eventsB.contains(.acceptable(listener)) { server = sim.b.accept(listener) }
            return server != nil && sim.eventsA.contains(.connected(client))
        }
        eventsA.removeAll()
        eventsB.removeAll()
        return (client, server!)
    }

    // MARK: Application helpers

    /// Reads everything waiting on one side.
    mutating func readAll(_ side: Side, _ handle: TCPHandle) -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { buffer in
                side == .a ? (try? a.read(handle, into: buffer)) ?? 0 : (try? b.read(handle, into: buffer)) ?? 0
            }
            if n == 0 { return out }
            out += chunk[0..<n]
        }
    }

    /// Sends what the send buffer takes; returns the count.
    mutating func write(_ side: Side, _ handle: TCPHandle, _ bytes: ArraySlice<UInt8>) -> Int {
        bytes.withUnsafeBytes { raw in
            side == .a ? (try? a.send(handle, raw)) ?? 0 : (try? b.send(handle, raw)) ?? 0
        }
    }

    func segments(from side: Side) -> [Sent] { sent.filter { $0.from == side } }
}

/// Hand-built TCP segments with a valid checksum, for what a peer's layer would not send.
enum TCPCraft {
    static func segment(
        from source: IPv4Address, to destination: IPv4Address, sourcePort: UInt16, destinationPort: UInt16,
        sequence: UInt32, ack: UInt32 = 0, flags: UInt16, window: UInt16 = 65535, payload: [UInt8] = [], options: [UInt8] = []
    ) -> [UInt8] {
        let headerLength = 20 + options.count
        var bytes = Frames.be16(sourcePort) + Frames.be16(destinationPort) + Frames.be32(sequence) + Frames.be32(ack)
        bytes += Frames.be16(UInt16(headerLength / 4) << 12 | flags) + Frames.be16(window) + [0, 0, 0, 0]
        bytes += options + payload
        let pseudo = InternetChecksum.pseudoHeaderSum(source: source, destination: destination, protocol: 6, length: bytes.count)
        let sum = InternetChecksum.checksum(bytes[...], initial: pseudo)
        bytes[16] = UInt8(sum >> 8)
        bytes[17] = UInt8(sum & 0xFF)
        return bytes
    }
}
