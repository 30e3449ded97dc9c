import OpenFlow
import Testing
import Wire
import TestSupport

/// decode(encode(m)) == m and encode(decode(b)) == b for thousands of random valid
/// messages of every type, from a fixed seed.
struct RoundTripPropertyTests {
    @Test(arguments: 0...21)
    func everyTypeRoundTrips(type: Int) {
        let seed = propertySeed &+ UInt64(type)
        var rng = SplitMix64(seed: seed)
        for i in 0..<200 {
            let message = rng.openFlowMessage(type: type)
            #expect(message.type.rawValue == UInt8(type))
            let bytes: [UInt8]
            do {
                bytes = try message.encoded()
            } catch {
                Issue.record("seed \(seed) case \(i): encode threw \(error) for \(message)")
                continue
            }
            #expect(bytes.count == message.wireLength, "seed \(seed) case \(i)")
            #expect(Int(bytes[2]) << 8 | Int(bytes[3]) == bytes.count, "seed \(seed) case \(i)")
            #expect(bytes[0] == message.version && bytes[1] == UInt8(type), "seed \(seed) case \(i)")
            do {
                let decoded = try OpenFlowMessage.decode(bytes[...])
                #expect(decoded == message, "seed \(seed) case \(i): \(hexString(bytes))")
                #expect(try decoded.encoded() == bytes, "seed \(seed) case \(i)")
            } catch {
                Issue.record("seed \(seed) case \(i): decode threw \(error) for \(hexString(bytes))")
            }
        }
    }

    @Test func mixedMessagesRoundTripThroughOneBuffer() throws {
        // Many messages appended to one reused output buffer, then split by the framer.
        var rng = SplitMix64(seed: propertySeed)
        var messages: [OpenFlowMessage] = []
        var output: [UInt8] = []
        for _ in 0..<2000 {
            let message = rng.openFlowMessage()
            messages.append(message)
            try message.append(to: &output)
        }
        var framer = Framer()
        framer.append(output[...])
        var decoded: [OpenFlowMessage] = []
        while let frame = try framer.next() { decoded.append(try OpenFlowMessage.decode(frame)) }
        #expect(decoded == messages, "seed \(propertySeed)")
        #expect(framer.bufferedCount == 0)
    }

    @Test func matchRoundTripsInsideEveryCarrier() throws {
        var rng = SplitMix64(seed: propertySeed ^ 0xAA)
        for i in 0..<500 {
            let match = rng.match()
            let carriers: [Message] = [
                .flowMod(FlowMod(match: match, command: .add)),
                .flowRemoved(FlowRemoved(
                    match: match, cookie: 0, priority: 0, reason: .delete, durationSeconds: 0,
                    durationNanoseconds: 0, idleTimeout: 0, packetCount: 0, byteCount: 0)),
                .statsRequest(StatsRequest(.flow(FlowStatsRequest(match: match)))),
                .statsRequest(StatsRequest(.aggregate(FlowStatsRequest(match: match)))),
            ]
            for carrier in carriers {
                let message = OpenFlowMessage(xid: UInt32(i), carrier)
                #expect(try OpenFlowMessage.decode(try message.encoded()[...]) == message, "seed \(propertySeed ^ 0xAA) case \(i)")
            }
        }
    }

    @Test func encodeIntoAnExactBufferAndOneByteShort() throws {
        var rng = SplitMix64(seed: propertySeed ^ 0x55)
        for i in 0..<300 {
            let message = rng.openFlowMessage()
            let length = message.wireLength
            let expected = try message.encoded()
            var storage = [UInt8](repeating: 0xCC, count: length + 3)
            storage.withUnsafeMutableBytes { raw in
                // Exactly the size, after a 3-byte prefix already written.
                var writer = ByteWriter(raw, offset: 3)
                do throws(OpenFlowError) {
                    try message.encode(into: &writer)
                } catch {
                    Issue.record("seed \(propertySeed ^ 0x55) case \(i): \(error)")
                }
                #expect(writer.offset == length + 3)
                // One byte short: the writer stays where it was.
                var short = ByteWriter(UnsafeMutableRawBufferPointer(rebasing: raw[0..<(length + 2)]), offset: 3)
                #expect(throws: OpenFlowError.bufferTooSmall) { try message.encode(into: &short) }
                #expect(short.offset == 3)
            }
            #expect(Array(storage[3...]) == expected, "seed \(propertySeed ^ 0x55) case \(i)")
        }
    }

    @Test func appendToFailureLeavesTheOutputUnchanged() {
        // A message over 65535 bytes cannot be described by the length field.
        let big = OpenFlowMessage(xid: 1, .echoRequest(Echo(payload: [UInt8](repeating: 7, count: 65_528)[...])))
        #expect(big.wireLength == 65_536)
        var output: [UInt8] = [1, 2, 3]
        #expect(throws: OpenFlowError.messageTooLong(.echoRequest)) { try big.append(to: &output) }
        #expect(output == [1, 2, 3])
        let largest = OpenFlowMessage(xid: 1, .echoRequest(Echo(payload: [UInt8](repeating: 7, count: 65_527)[...])))
        #expect(throws: Never.self) { try largest.append(to: &output) }
        #expect(output.count == 3 + 65_535)
    }
}
