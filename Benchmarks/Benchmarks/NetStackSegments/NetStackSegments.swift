import Benchmark
import BenchmarkSupport
import NetStack
import Scheduler
import Wire

/// Our TCP/IP stack's per-segment cost: two `NetStack`s in memory (A 10.0.0.1, B
/// 10.0.0.2, MTU 1500, MSS 1460, default limits: 256 KiB buffers, window scale,
/// timestamps, so a full segment carries 1448 bytes), a TCP
/// connection established and warmed up (1 MiB each way first, so the rings have
/// wrapped, the event queues and the pools have grown), then the measured loop: A
/// `send`s, A's frames are `transmit`ted into one reusable buffer and `receive`d by B,
/// B `read`s, B's ACKs go back the same way, events are drained and timers ticked when
/// due, as `NetInterface` does. The virtual clock moves 10 µs per segment.
///
/// Every path here must allocate nothing in steady state. The `*` columns of the
/// segment and echo benchmarks are per segment (per echo): each iteration handles 1000
/// (`scalingFactor: .kilo`), and the scaled malloc column rounds down, so prove zero with
/// `scripts/bench.sh --filter 'NetStack.*' --allocation-stacks`.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = BenchmarkMode.configuration

    // One full-size segment per scaled iteration: send 1448 bytes, move A's frames to B,
    // B reads everything, B's ACKs (every second segment, RFC 1122) move to A.
    Benchmark("NetStack TCP segment A to B, 1448 bytes, read and ACKed") { benchmark in
        var pair = StackPair()
        pair.warmUp()
        let before = pair.dataSegmentsMoved
        withStreamBuffers { payload, reader in
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                pair.segment(payload, reader)
            }
            benchmark.stopMeasurement()
        }
        let segments = pair.dataSegmentsMoved - before
        precondition(segments == benchmark.scaledIterations.count, "\(segments) data segments for \(benchmark.scaledIterations.count) iterations")
        pair.expectIntact()
    }

    // 64 KiB per iteration (46 segments of at most 1448 bytes): the table shows the
    // time and the mallocs of the whole transfer.
    Benchmark("NetStack TCP 64 KiB A to B (46 segments), read and ACKed", configuration: .init(scalingFactor: .one)) { benchmark in
        var pair = StackPair()
        pair.warmUp()
        withStreamBuffers { payload, reader in
            benchmark.startMeasurement()
            for _ in benchmark.scaledIterations {
                pair.transfer(64 * 1024, payload, reader)
            }
            benchmark.stopMeasurement()
        }
        pair.expectIntact()
    }

    // An ICMP echo request (56 bytes of payload, the frame A's `ping` really sent) into
    // B, B's reply out of `transmit`.
    Benchmark("NetStack ICMP echo request in, reply out") { benchmark in
        var pair = StackPair()
        var request = pair.echoRequest()
        var frame = pair.frame
        var sink = 0
        // Warm-up and check: a reply per request, a valid one.
        for _ in 0..<100 {
            pair.b.receive(frame: request[...], now: pair.now)
            let length = frame.withUnsafeMutableBytes { pair.b.transmit(into: $0, now: pair.now) }
            precondition(length == request.count && frame[34] == 0 && InternetChecksum.checksum(frame[34..<length]) == 0, "no echo reply")
        }
        let replies = pair.b.counters.echoRepliesOut
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            pair.b.receive(frame: request[...], now: pair.now)
            sink &+= frame.withUnsafeMutableBytes { pair.b.transmit(into: $0, now: pair.now) }
        }
        benchmark.stopMeasurement()
        precondition(pair.b.counters.echoRepliesOut - replies == UInt64(benchmark.scaledIterations.count))
        blackHole(sink)
        request[0] = 0
    }
}

/// Runs `body` with A's outgoing bytes (the pattern `StackPair.byte`, a chunk plus 251
/// bytes so a send can start anywhere in the pattern) and B's read buffer, as raw
/// pointers made once, outside the measured loop.
func withStreamBuffers(_ body: (UnsafeRawBufferPointer, UnsafeMutableRawBufferPointer) -> Void) {
    let payload = (0..<(StackPair.chunk + 251)).map { StackPair.byte($0) }
    var reader = [UInt8](repeating: 0, count: StackPair.chunk)
    payload.withUnsafeBytes { source in
        reader.withUnsafeMutableBytes { target in body(source, target) }
    }
}

/// Two stacks joined by a perfect in-memory wire, one TCP connection A -> B:80.
struct StackPair {
    var a: NetStack
    var b: NetStack
    /// One frame at a time, reused for every frame either side sends.
    var frame: [UInt8]
    var now = Instant(nanoseconds: 1_000_000_000)
    let step = Interval.microseconds(10)
    var client = TCPHandle(index: 0, generation: 0)
    var server = TCPHandle(index: 0, generation: 0)
    /// Stream positions: bytes A's `send` took, bytes B's `read` returned.
    var sent = 0
    var received = 0
    var dataSegmentsMoved = 0

    static let addressA = IPv4Address(10, 0, 0, 1)
    static let addressB = IPv4Address(10, 0, 0, 2)
    static let chunk = 256 * 1024
    /// A full segment's payload: the MSS less the timestamp option every segment carries.
    static let segmentPayload = 1460 - 12

    /// Byte `i` of the stream, period 251 (prime), so a byte in the wrong place shows.
    static func byte(_ i: Int) -> UInt8 { UInt8(truncatingIfNeeded: i % 251) }

    init() {
        a = NetStack(
            configuration: NetStackConfiguration(mac: MACAddress(0x02, 0, 0, 0, 0, 1), address: Self.addressA, prefixLength: 24),
            seed: 1)
        b = NetStack(
            configuration: NetStackConfiguration(mac: MACAddress(0x02, 0, 0, 0, 0, 2), address: Self.addressB, prefixLength: 24),
            seed: 2)
        frame = [UInt8](repeating: 0, count: a.minimumTransmitBuffer)
        do throws(TCPError) {
            let listener = try b.tcp.listen(port: 80)
            client = try a.tcp.connect(from: Self.addressA, to: Self.addressB, port: 80, now: now)
            exchange()
            guard let accepted = b.tcp.accept(listener) else { fatalError("no connection to accept") }
            server = accepted
        } catch {
            fatalError("connect: \(error)")
        }
        precondition(a.tcp.state(client) == .established && b.tcp.state(server) == .established)
        drainEvents()
    }

    /// Frames both ways until neither side has anything to send.
    mutating func exchange() {
        for _ in 0..<10_000 {
            let moved = Self.move(&a, &b, &frame, now: now)
            dataSegmentsMoved &+= moved
            if moved == 0, Self.move(&b, &a, &frame, now: now) == 0 { return }
        }
        fatalError("the stacks never went quiet")
    }

    /// Moves every frame `from` has to `to`; returns how many.
    @inline(__always)
    static func move(_ from: inout NetStack, _ to: inout NetStack, _ frame: inout [UInt8], now: Instant) -> Int {
        var moved = 0
        while true {
            let length = frame.withUnsafeMutableBytes { from.transmit(into: $0, now: now) }
            if length == 0 { return moved }
            to.receive(frame: frame[..<length], now: now)
            moved &+= 1
        }
    }

    /// One full-size segment from A to B, read, and ACKed when B's ACK policy says so.
    @inline(__always)
    mutating func segment(_ payload: UnsafeRawBufferPointer, _ reader: UnsafeMutableRawBufferPointer) {
        now = now + step
        let start = sent % 251
        sent &+= Self.send(&a, client, UnsafeRawBufferPointer(rebasing: payload[start..<(start &+ Self.segmentPayload)]))
        dataSegmentsMoved &+= Self.move(&a, &b, &frame, now: now)
        received &+= Self.readAll(&b, server, reader)
        _ = Self.move(&b, &a, &frame, now: now)
        drainEvents()
        tickIfDue()
    }

    /// `count` bytes from A to B, every byte read by B.
    mutating func transfer(_ count: Int, _ payload: UnsafeRawBufferPointer, _ reader: UnsafeMutableRawBufferPointer) {
        let target = sent &+ count
        var rounds = 0
        while received < target {
            now = now + step
            if sent < target {
                let start = sent % 251
                let length = Swift.min(target &- sent, payload.count &- start)
                sent &+= Self.send(&a, client, UnsafeRawBufferPointer(rebasing: payload[start..<(start &+ length)]))
            }
            dataSegmentsMoved &+= Self.move(&a, &b, &frame, now: now)
            received &+= Self.readAll(&b, server, reader)
            _ = Self.move(&b, &a, &frame, now: now)
            drainEvents()
            tickIfDue()
            rounds &+= 1
            precondition(rounds < 100_000, "the transfer stalled at \(received) of \(target) bytes")
        }
    }

    @inline(__always)
    static func send(_ stack: inout NetStack, _ handle: TCPHandle, _ bytes: UnsafeRawBufferPointer) -> Int {
        do throws(TCPError) {
            return try stack.tcp.send(handle, bytes)
        } catch {
            fatalError("send: \(error)")
        }
    }

    static func readOnce(_ stack: inout NetStack, _ handle: TCPHandle, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
        do throws(TCPError) {
            return try stack.tcp.read(handle, into: buffer)
        } catch {
            fatalError("read: \(error)")
        }
    }

    @inline(__always)
    static func readAll(_ stack: inout NetStack, _ handle: TCPHandle, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
        var total = 0
        while true {
            let count: Int
            do throws(TCPError) {
                count = try stack.tcp.read(handle, into: buffer)
            } catch {
                fatalError("read: \(error)")
            }
            if count == 0 { return total }
            total &+= count
        }
    }

    @inline(__always)
    mutating func drainEvents() {
        while a.tcp.nextEvent() != nil {}
        while b.tcp.nextEvent() != nil {}
        while a.nextEvent() != nil {}
        while b.nextEvent() != nil {}
    }

    @inline(__always)
    mutating func tickIfDue() {
        if let deadline = a.nextDeadline, deadline <= now { a.tick(now: now) }
        if let deadline = b.nextDeadline, deadline <= now { b.tick(now: now) }
    }

    /// 1 MiB each way, checked byte by byte, then 256 KiB in 64 KiB transfers and 2000
    /// single segments: every ring has wrapped and every queue has its steady size
    /// before measuring.
    mutating func warmUp() {
        checkedTransfer(fromA: false, count: 1 << 20)
        checkedTransfer(fromA: true, count: 1 << 20)
        withStreamBuffers { payload, reader in
            for _ in 0..<4 { transfer(64 * 1024, payload, reader) }
            for _ in 0..<2000 { segment(payload, reader) }
            // The 64 KiB transfers leave A's stream off a segment boundary, so a tail
            // shorter than the MSS waits (Nagle) for B's delayed ACK: let it go.
            transfer(0, payload, reader)
        }
        precondition(sent == received, "\(sent - received) bytes not delivered after the warm-up")
    }

    /// `count` bytes one way in segments of at most 1460 bytes, each byte read checked
    /// against the pattern (A's stream continues at `sent`; B's starts at 0).
    mutating func checkedTransfer(fromA: Bool, count: Int) {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let source = (0..<(1460 + 251)).map { Self.byte($0) }
        let base = fromA ? sent : 0
        var sentHere = 0
        var readHere = 0
        var rounds = 0
        while readHere < count {
            now = now + step
            if sentHere < count {
                let start = (base + sentHere) % 251
                let length = Swift.min(1460, count - sentHere)
                let taken = source.withUnsafeBytes { raw in
                    let bytes = UnsafeRawBufferPointer(rebasing: raw[start..<(start + length)])
                    return fromA ? Self.send(&a, client, bytes) : Self.send(&b, server, bytes)
                }
                sentHere += taken
            }
            _ = fromA ? Self.move(&a, &b, &frame, now: now) : Self.move(&b, &a, &frame, now: now)
            while true {
                let n = buffer.withUnsafeMutableBytes { raw in fromA ? Self.readOnce(&b, server, raw) : Self.readOnce(&a, client, raw) }
                if n == 0 { break }
                for i in 0..<n where buffer[i] != Self.byte(base + readHere + i) {
                    fatalError("byte \(base + readHere + i) read wrong (\(buffer[i]), expected \(Self.byte(base + readHere + i)))")
                }
                readHere += n
            }
            _ = fromA ? Self.move(&b, &a, &frame, now: now) : Self.move(&a, &b, &frame, now: now)
            drainEvents()
            tickIfDue()
            rounds += 1
            precondition(rounds < 1_000_000, "the warm-up transfer stalled")
        }
        if fromA {
            sent += count
            received += count
        }
    }

    /// The measured loop lost nothing: every byte sent was read, and the connection
    /// never retransmitted.
    func expectIntact() {
        precondition(sent == received, "\(sent) bytes sent, \(received) read")
        precondition(a.tcp.counters.retransmissions == 0 && b.tcp.counters.retransmissions == 0, "retransmissions on a perfect wire")
    }

    /// The echo request A's `ping` writes (B already knows A's MAC).
    mutating func echoRequest() -> [UInt8] {
        do throws(NetError) {
            try a.ping(to: Self.addressB, identifier: 7, sequence: 1, payloadLength: 56, now: now)
        } catch {
            fatalError("ping: \(error)")
        }
        // The first ping resolves B; the request is the last IPv4 frame A sends.
        var request: [UInt8] = []
        for _ in 0..<100 {
            while true {
                let length = frame.withUnsafeMutableBytes { a.transmit(into: $0, now: now) }
                if length == 0 { break }
                if frame[12] == 0x08, frame[13] == 0x00, frame[23] == 1 { request = Array(frame[..<length]) }
                b.receive(frame: frame[..<length], now: now)
            }
            if Self.move(&b, &a, &frame, now: now) == 0 { break }
        }
        precondition(request.count == 14 + 20 + 8 + 56, "no echo request (\(request.count) bytes)")
        while a.nextEvent() != nil {}
        return request
    }
}
