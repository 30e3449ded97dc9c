import Capture
import Testing
import Wire

/// Reassembly from segments in every order a capture can show them.
struct TCPReassemblerTests {
    enum Got: Equatable {
        case opened
        case data([UInt8])
        case gap(Int)
        case closed(TCPReassembler.CloseReason)
    }

    static let key = FlowKey(
        source: IPv4Address(10, 0, 0, 1), sourcePort: 40000, destination: IPv4Address(10, 0, 0, 2), destinationPort: 6653)

    /// Feeds `segments` to one reassembler and records what one direction delivered.
    struct Harness {
        var reassembler: TCPReassembler
        var got: [Got] = []

        init(maximumBufferedBytes: Int = 1 << 20) {
            reassembler = TCPReassembler(maximumBufferedBytes: maximumBufferedBytes)
        }

        mutating func feed(
            _ sequence: UInt32, _ text: String = "", flags: UInt16 = TCPHeader.Flags.ack,
            missing: Int = 0, key: FlowKey = TCPReassemblerTests.key
        ) {
            let segment = TCPSegment(key: key, sequence: sequence, flags: flags, payload: Array(text.utf8)[...], missingLength: missing)
            var events: [Got] = []
            reassembler.receive(segment) { _, event in events.append(Got(event)) }
            got += events
        }

        mutating func finish() {
            var events: [Got] = []
            reassembler.finish { _, event in events.append(Got(event)) }
            got += events
        }

        var text: String {
            var bytes: [UInt8] = []
            for case .data(let chunk) in got { bytes += chunk }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    static let syn = TCPHeader.Flags.syn
    static let fin = TCPHeader.Flags.fin | TCPHeader.Flags.ack
    static let rst = TCPHeader.Flags.rst

    @Test func inOrderSplitSegments() {
        var h = Harness()
        h.feed(1000, flags: Self.syn)
        h.feed(1001, "ab")
        h.feed(1003, "cde")
        #expect(h.got == [.opened, .data(Array("ab".utf8)), .data(Array("cde".utf8))])
    }

    @Test func outOfOrderWaitsForTheGap() {
        var h = Harness()
        h.feed(1000, flags: Self.syn)
        h.feed(1006, "fg")
        h.feed(1003, "cde")
        #expect(h.got == [.opened])
        h.feed(1001, "ab")
        #expect(h.text == "abcdefg")
    }

    @Test func retransmissionsAndDuplicatesAreDeliveredOnce() {
        var h = Harness()
        h.feed(1000, flags: Self.syn)
        h.feed(1000, flags: Self.syn)
        h.feed(1001, "ab")
        h.feed(1001, "ab")
        h.feed(1005, "ef")
        h.feed(1005, "ef")
        h.feed(1003, "cd")
        h.feed(1001, "abcdef")
        #expect(h.got == [.opened, .data(Array("ab".utf8)), .data(Array("cd".utf8)), .data(Array("ef".utf8))])
    }

    @Test func overlappingSegmentsDeliverOnlyNewBytes() {
        var h = Harness()
        h.feed(1000, flags: Self.syn)
        h.feed(1001, "abc")
        h.feed(1002, "bcde")
        #expect(h.got == [.opened, .data(Array("abc".utf8)), .data(Array("de".utf8))])
        // Held segments that overlap each other.
        h.feed(1010, "jklm")
        h.feed(1008, "hij")
        h.feed(1006, "fg")
        #expect(h.text == "abcdefghijklm")
    }

    @Test func midStreamStartPlacesAtFirstData() {
        var h = Harness()
        h.feed(4999)  // a bare ACK (or keep-alive) does not place the stream
        h.feed(5000, "xy")
        h.feed(5002, "z")
        h.feed(4990, "old")
        #expect(h.text == "xyz")
    }

    @Test func sequenceNumbersWrap() {
        var h = Harness()
        h.feed(0xFFFF_FFFE, flags: Self.syn)
        h.feed(1, "c")
        h.feed(0xFFFF_FFFF, "ab")
        #expect(h.text == "abc")
    }

    @Test func finEndsTheStreamAfterEarlierData() {
        var h = Harness()
        h.feed(1000, flags: Self.syn)
        h.feed(1003, "cd", flags: Self.fin)
        #expect(h.got == [.opened])
        h.feed(1001, "ab")
        #expect(h.got == [.opened, .data(Array("ab".utf8)), .data(Array("cd".utf8)), .closed(.fin)])
        h.feed(1003, "cd", flags: Self.fin)
        h.feed(1000, flags: Self.syn)
        #expect(h.got.count == 4)
    }

    @Test func resetEndsTheStreamAndLaterDataIsIgnored() {
        var h = Harness()
        h.feed(1000, flags: Self.syn)
        h.feed(1001, "ab")
        h.feed(1003, flags: Self.rst)
        h.feed(1003, "cd")
        #expect(h.got == [.opened, .data(Array("ab".utf8)), .closed(.reset)])
    }

    @Test func newSYNReopensAClosedStream() {
        var h = Harness()
        h.feed(1000, flags: Self.syn)
        h.feed(1001, "ab", flags: Self.fin)
        h.feed(9000, flags: Self.syn)
        h.feed(9001, "new")
        #expect(h.got == [.opened, .data(Array("ab".utf8)), .closed(.fin), .opened, .data(Array("new".utf8))])
    }

    /// A capture can miss a connection's end; its successor's SYN still starts afresh,
    /// after the old stream's held bytes are accounted for.
    @Test func newSYNReplacesAnUnfinishedStream() {
        var h = Harness()
        h.feed(1000, flags: Self.syn)
        h.feed(1001, "a")
        h.feed(1003, "c")
        h.feed(7000, flags: Self.syn)
        h.feed(7001, "z")
        #expect(h.got == [.opened, .data([0x61]), .gap(1), .data([0x63]), .opened, .data([0x7A])])
    }

    @Test func bufferLimitReportsTheGapAndMovesOn() {
        var h = Harness(maximumBufferedBytes: 4)
        h.feed(1000, flags: Self.syn)
        h.feed(1004, "de")
        h.feed(1006, "fg")
        #expect(h.got == [.opened])
        h.feed(1008, "h")
        #expect(h.got == [.opened, .gap(3), .data(Array("de".utf8)), .data(Array("fg".utf8)), .data(Array("h".utf8))])
        h.feed(1001, "abc")
        #expect(h.got.count == 5)
    }

    @Test func finishReportsUnfilledGaps() {
        var h = Harness()
        h.feed(1000, flags: Self.syn)
        h.feed(1001, "a")
        h.feed(1005, "e")
        h.feed(1010, "j")
        h.finish()
        #expect(h.got == [.opened, .data([0x61]), .gap(3), .data([0x65]), .gap(4), .data([0x6A])])
    }

    @Test func snapLengthCutBecomesAGap() {
        var h = Harness()
        h.feed(1000, flags: Self.syn)
        h.feed(1001, "ab", missing: 3)
        h.feed(1006, "f")
        #expect(h.got == [.opened, .data(Array("ab".utf8)), .gap(3), .data(Array("f".utf8))])
    }

    @Test func directionsAreIndependent() {
        var reassembler = TCPReassembler()
        var seen: [(FlowKey, Got)] = []
        let reply = Self.key.reversed
        for segment in [
            TCPSegment(key: Self.key, sequence: 10, flags: Self.syn, payload: []),
            TCPSegment(key: reply, sequence: 70, flags: Self.syn | TCPHeader.Flags.ack, payload: []),
            TCPSegment(key: reply, sequence: 71, flags: TCPHeader.Flags.ack, payload: [2]),
            TCPSegment(key: Self.key, sequence: 11, flags: TCPHeader.Flags.ack, payload: [1]),
        ] {
            reassembler.receive(segment) { key, event in seen.append((key, Got(event))) }
        }
        #expect(seen.map(\.0) == [Self.key, reply, reply, Self.key])
        #expect(seen.map(\.1) == [.opened, .opened, .data([2]), .data([1])])
        #expect(reply.description == "10.0.0.2:6653 > 10.0.0.1:40000")
    }

    /// A stream cut at random points, each piece sent once or twice, in a shuffled order
    /// within a window, always comes out whole and in order.
    @Test(arguments: 0..<20)
    func shuffledDuplicatedSegmentsReassemble(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        let stream = (0..<3000).map { _ in UInt8.random(in: 0...255, using: &random) }
        let isn = UInt32.random(in: 0...UInt32.max, using: &random)
        var pieces: [(UInt32, ArraySlice<UInt8>)] = []
        var start = 0
        while start < stream.count {
            let end = min(stream.count, start + Int.random(in: 1...300, using: &random))
            // Some pieces reach back over bytes already sent, like a repacketized retransmission.
            let from = max(0, start - Int.random(in: 0...20, using: &random))
            pieces.append((isn &+ 1 &+ UInt32(from), stream[from..<end]))
            if Bool.random(using: &random) { pieces.append(pieces[pieces.count - 1]) }
            start = end
        }
        for i in pieces.indices {
            let j = min(pieces.count - 1, i + Int.random(in: 0...5, using: &random))
            pieces.swapAt(i, j)
        }
        var reassembler = TCPReassembler()
        var out: [UInt8] = []
        var other: [Got] = []
        reassembler.receive(TCPSegment(key: Self.key, sequence: isn, flags: Self.syn, payload: [])) { _, event in
            #expect(Got(event) == .opened)
        }
        for (sequence, bytes) in pieces {
            reassembler.receive(TCPSegment(key: Self.key, sequence: sequence, flags: TCPHeader.Flags.ack, payload: bytes)) { _, event in
                if case .data(let bytes) = event { out += bytes } else { other.append(Got(event)) }
            }
        }
        reassembler.finish { _, event in other.append(Got(event)) }
        #expect(out == stream)
        #expect(other.isEmpty)
    }
}

extension TCPReassemblerTests.Got {
    init(_ event: TCPReassembler.Event) {
        switch event {
        case .opened: self = .opened
        case .data(let bytes): self = .data(Array(bytes))
        case .gap(let count): self = .gap(count)
        case .closed(let reason): self = .closed(reason)
        }
    }
}

/// A small seeded generator so randomized tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
