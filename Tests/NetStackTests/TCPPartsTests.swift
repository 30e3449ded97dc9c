@testable import NetStack
import Scheduler
import TestSupport
import Testing
import Wire

/// The pieces under the layer: sequence arithmetic, SipHash, ISNs, the buffers, the
/// RTO estimator, option parsing.
@Suite struct TCPPartsTests {
    @Test func sequenceNumbersCompareAcrossTheWrap() {
        let high = TCPSequenceNumber(0xFFFF_FF00)
        let low = high + 0x200  // wrapped to 0x100
        #expect(low.rawValue == 0x100)
        #expect(high < low)
        #expect(!(low < high))
        #expect(low - high == 0x200)
        #expect(high - low == -0x200)
        #expect((high + 0x100).isIn(high, low))
        #expect(!low.isIn(high, low))
        #expect(high + -1 < high)
    }

    @Test func sipHashMatchesThePaperVector() {
        // SipHash-2-4 paper, appendix A: key 00..0f, message 00..0e.
        let hasher = SipHash24(
            key0: UInt64(littleEndianBytes: Array(0..<8)), key1: UInt64(littleEndianBytes: Array(8..<16)))
        let message = [UInt8](0..<15)
        let hash = message.withUnsafeBytes { hasher.hash($0) }
        #expect(hash == 0xA129_CA61_49BE_45E5)
    }

    @Test func initialSequenceNumbersDependOnTheTupleAndAdvanceWithTheClock() {
        let isn = TCPInitialSequence(seed: 42)
        let a = IPv4Address(10, 0, 0, 1)
        let b = IPv4Address(10, 0, 0, 2)
        let first = isn.isn(local: a, localPort: 1000, remote: b, remotePort: 80, now: .zero)
        let otherPort = isn.isn(local: a, localPort: 1001, remote: b, remotePort: 80, now: .zero)
        let later = isn.isn(local: a, localPort: 1000, remote: b, remotePort: 80, now: Instant(nanoseconds: 4_000_000))
        #expect(first != otherPort)
        #expect(later - first == 1000)  // one tick per 4 microseconds
        let otherKey = TCPInitialSequence(seed: 43).isn(local: a, localPort: 1000, remote: b, remotePort: 80, now: .zero)
        #expect(otherKey != first)
    }

    @Test func receiveBufferReassemblesAcrossTheRingEdge() {
        var buffer = TCPReceiveBuffer()
        buffer.prepare(capacity: 10, rangeLimit: 2)
        var out = [UInt8](repeating: 0, count: 10)
        // Move the ring's head to 7 so later data wraps.
        #expect(store(&buffer, [1, 2, 3, 4, 5, 6, 7], at: 0) == .advanced(7))
        #expect(out.withUnsafeMutableBytes { buffer.read(into: $0) } == 7)
        #expect(store(&buffer, [13, 14], at: 3) == .queued)
        #expect(store(&buffer, [17], at: 7) == .queued)
        #expect(store(&buffer, [19], at: 9) == .dropped)  // a third range does not fit
        #expect(store(&buffer, [15, 16], at: 5) == .queued)  // joins both neighbours
        #expect(buffer.outOfOrder == [TCPReceiveBuffer.Range(lower: 3, upper: 8)])
        #expect(store(&buffer, [10, 11, 12], at: 0) == .advanced(8))
        #expect(buffer.outOfOrder.isEmpty)
        #expect(buffer.window == 2)
        #expect(out.withUnsafeMutableBytes { buffer.read(into: $0) } == 8)
        #expect(Array(out[0..<8]) == [10, 11, 12, 13, 14, 15, 16, 17])
    }

    private func store(_ buffer: inout TCPReceiveBuffer, _ bytes: [UInt8], at offset: Int) -> TCPReceiveBuffer.StoreResult {
        bytes.withUnsafeBytes { buffer.store($0, at: offset) }
    }

    @Test func sendBufferWrapsAndAcknowledges() {
        var buffer = TCPSendBuffer()
        buffer.prepare(capacity: 8, start: TCPSequenceNumber(100))
        #expect([UInt8]([1, 2, 3, 4, 5, 6]).withUnsafeBytes { buffer.append($0) } == 6)
        #expect(buffer.acknowledge(upTo: TCPSequenceNumber(105)) == 5)
        #expect([UInt8]([7, 8, 9, 10, 11, 12, 13, 14]).withUnsafeBytes { buffer.append($0) } == 7)
        #expect(buffer.free == 0)
        var out = [UInt8](repeating: 0, count: 8)
        out.withUnsafeMutableBytes { buffer.copy(from: TCPSequenceNumber(105), length: 8, into: $0.baseAddress!) }
        #expect(out == [6, 7, 8, 9, 10, 11, 12, 13])
        #expect(buffer.end == TCPSequenceNumber(113))
        // An ACK beyond the data (the FIN's) takes only what is there.
        #expect(buffer.acknowledge(upTo: TCPSequenceNumber(114)) == 8)
    }

    @Test func retransmitTimerFollowsRFC6298() {
        var timer = TCPRetransmitTimer(initial: .seconds(1), minimum: .milliseconds(200), maximum: .seconds(60))
        #expect(timer.rto == .seconds(1))
        timer.sample(.milliseconds(100))
        // SRTT 100 ms, RTTVAR 50 ms: 100 + 4 * 50 = 300 ms.
        #expect(timer.rto == .milliseconds(300))
        timer.sample(.milliseconds(100))
        // RTTVAR 3/4 * 50 = 37.5 ms: 100 + 150 = 250 ms.
        #expect(timer.rto == .milliseconds(250))
        for _ in 0..<3 { timer.backOff() }
        #expect(timer.rto == .seconds(2))
        for _ in 0..<10 { timer.backOff() }
        #expect(timer.rto == .seconds(60))
        timer.sample(.microseconds(10))
        #expect(timer.rto >= .milliseconds(200))
    }

    @Test func optionsParseAndStopAtMalformedLists() {
        let full = TCPOptions(parsing: [2, 4, 0x05, 0xB4, 1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2][...])
        #expect(full.mss == 1460)
        #expect(full.windowScale == 7)
        #expect(TCPOptions(parsing: [3, 3, 20][...]).windowScale == 14)
        let truncated = TCPOptions(parsing: [2, 4, 0x05, 0xB4, 3, 3][...])
        #expect(truncated.mss == 1460 && truncated.windowScale == nil)
        #expect(TCPOptions(parsing: [2, 0, 0, 0][...]).mss == nil)
        #expect(TCPOptions(parsing: [0, 2, 4, 1, 1][...]).mss == nil)
    }
}

extension UInt64 {
    init(littleEndianBytes bytes: [UInt8]) {
        self = bytes.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    }
}
