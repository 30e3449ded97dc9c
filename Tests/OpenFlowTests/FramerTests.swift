import OpenFlow
import Testing
import Wire
import TestSupport

/// The framer yields the same messages however the stream is cut, in the manner of
/// SwiftNIO's ByteToMessageDecoderVerifier: whole, byte by byte, in random chunks, and
/// each message coalesced with the start of the next.
struct FramerTests {
    /// A stream of `count` random messages and the byte ranges of each.
    static func stream(count: Int, seed: UInt64) throws -> (bytes: [UInt8], messages: [[UInt8]]) {
        var rng = SplitMix64(seed: seed)
        var bytes: [UInt8] = []
        var messages: [[UInt8]] = []
        for _ in 0..<count {
            let encoded = try rng.openFlowMessage().encoded()
            messages.append(encoded)
            bytes += encoded
        }
        return (bytes, messages)
    }

    /// Feeds `chunks` in order, draining after each; returns the messages as arrays.
    static func frame<S: Sequence>(_ chunks: S) throws(OpenFlowError) -> [[UInt8]] where S.Element == ArraySlice<UInt8> {
        var framer = Framer(capacity: 64)
        var out: [[UInt8]] = []
        for chunk in chunks {
            framer.append(chunk)
            while let message = try framer.next() { out.append(Array(message)) }
        }
        #expect(framer.bufferedCount == 0)
        return out
    }

    @Test func wholeStreamAtOnce() throws {
        let (bytes, messages) = try Self.stream(count: 300, seed: propertySeed)
        #expect(try Self.frame([bytes[...]]) == messages)
    }

    @Test func oneByteAtATime() throws {
        let (bytes, messages) = try Self.stream(count: 300, seed: propertySeed)
        #expect(try Self.frame(bytes.indices.map { bytes[$0...$0] }) == messages)
    }

    @Test(arguments: [1, 2, 3])
    func randomChunks(seedOffset: UInt64) throws {
        let (bytes, messages) = try Self.stream(count: 300, seed: propertySeed)
        let seed = propertySeed &+ seedOffset
        var rng = SplitMix64(seed: seed)
        var chunks: [ArraySlice<UInt8>] = []
        var at = 0
        while at < bytes.count {
            let size = min(bytes.count - at, rng.pick([1, 2, 7, 8, 9, rng.int(1...64), rng.int(1...2000)]))
            chunks.append(bytes[at..<at + size])
            at += size
        }
        #expect(try Self.frame(chunks) == messages, "seed \(seed)")
    }

    @Test func eachMessageCoalescedWithTheNext() throws {
        // Each append carries the rest of one message and the first half of the next.
        let (stream, messages) = try Self.stream(count: 300, seed: propertySeed)
        var coalesced: [ArraySlice<UInt8>] = []
        var start = 0
        var end = 0
        for (i, message) in messages.enumerated() {
            end += message.count
            let stop = i + 1 < messages.count ? end + messages[i + 1].count / 2 : end
            coalesced.append(stream[start..<stop])
            start = stop
        }
        #expect(start == stream.count)
        #expect(try Self.frame(coalesced) == messages)
        // And two whole messages per append.
        var pairs: [ArraySlice<UInt8>] = []
        for i in stride(from: 0, to: messages.count, by: 2) {
            pairs.append((messages[i] + (i + 1 < messages.count ? messages[i + 1] : []))[...])
        }
        #expect(try Self.frame(pairs) == messages)
    }

    @Test func partialHeaderAndPartialBodyReturnNil() throws {
        var framer = Framer()
        #expect(try framer.next() == nil)
        framer.append(hex("01 02 00 0c 00 00")[...])  // 6 of 8 header bytes
        #expect(try framer.next() == nil)
        #expect(framer.bufferedCount == 6)
        framer.append(hex("00 01 de ad")[...])  // header whole, 2 of 4 body bytes
        #expect(try framer.next() == nil)
        #expect(framer.bufferedCount == 10)
        framer.append(hex("be ef 01")[...])  // the rest, and a byte of the next message
        let message = try #require(try framer.next())
        #expect(Array(message) == hex("01 02 00 0c 00 00 00 01 de ad be ef"))
        #expect(try framer.next() == nil)
        #expect(framer.bufferedCount == 1)
    }

    @Test(arguments: [UInt16(0), 1, 4, 7])
    func headerLengthBelowEightIsStreamFatalAndSticky(length: UInt16) throws {
        var framer = Framer()
        framer.append(hex("01 00 00 08 00 00 00 01")[...])  // one good HELLO first
        framer.append([0x01, 0x00, UInt8(length >> 8), UInt8(length & 0xFF), 0, 0, 0, 2][...])
        #expect(try framer.next() != nil)
        #expect(throws: OpenFlowError.badHeaderLength(length)) { try framer.next() }
        // Good bytes afterwards change nothing: the boundary is lost for good.
        framer.append(hex("01 00 00 08 00 00 00 03")[...])
        #expect(throws: OpenFlowError.badHeaderLength(length)) { try framer.next() }
        #expect(throws: OpenFlowError.badHeaderLength(length)) { try framer.next() }
        let error = OpenFlowError.badHeaderLength(length)
        #expect(error.isStreamFatal)
        #expect(error.errorCode == .badLength)
    }

    @Test func appendFromRawBuffer() throws {
        let bytes = hex("01 12 00 08 00 00 00 05", "01 13 00 08 00 00 00 05")
        var framer = Framer()
        bytes.withUnsafeBytes { framer.append($0) }
        #expect(try framer.next().map(Array.init) == Array(bytes[0..<8]))
        #expect(try framer.next().map(Array.init) == Array(bytes[8..<16]))
        #expect(try framer.next() == nil)
    }

    @Test func largestMessage() throws {
        let message = OpenFlowMessage(xid: 9, .echoReply(Echo(payload: [UInt8](repeating: 0x5A, count: 65_527)[...])))
        let bytes = try message.encoded()
        #expect(bytes.count == 65_535)
        var framer = Framer(capacity: 16)
        framer.append(bytes[0..<40_000])
        #expect(try framer.next() == nil)
        framer.append(bytes[40_000...])
        let frame = try #require(try framer.next())
        #expect(try OpenFlowMessage.decode(frame) == message)
    }

    @Test func slicesDecodeInPlace() throws {
        // Decoded payloads are slices of the framer's buffer, still valid after more appends.
        var framer = Framer()
        framer.append(hex("01 02 00 0c 00 00 00 01 de ad be ef")[...])
        let frame = try #require(try framer.next())
        let decoded = try OpenFlowMessage.decode(frame)
        framer.append(hex("01 03 00 0c 00 00 00 01 ca fe ba be")[...])
        let second = try #require(try framer.next())
        #expect(decoded == OpenFlowMessage(xid: 1, .echoRequest(Echo(payload: [0xDE, 0xAD, 0xBE, 0xEF]))))
        #expect(try OpenFlowMessage.decode(second) == OpenFlowMessage(xid: 1, .echoReply(Echo(payload: [0xCA, 0xFE, 0xBA, 0xBE]))))
    }

    @Test func readsInPlaceUnderAnySegmentation() throws {
        // appendReading lends room after the buffered bytes, as a socket read would fill
        // it; cut into random reads (some returning nothing, some filling only part of
        // the room) and mixed with copying appends, the same messages come out.
        let (bytes, messages) = try Self.stream(count: 60, seed: 11)
        var rng = SplitMix64(seed: 12)
        var framer = Framer(capacity: 64)
        var out: [[UInt8]] = []
        var offset = 0
        while offset < bytes.count {
            let room = Int(rng.next() % 300) + 1
            let take = min(Int(rng.next() % UInt64(room + 1)), bytes.count - offset)
            if rng.next() % 4 == 0 {
                framer.append(bytes[offset..<offset + take])
            } else {
                let stored = framer.appendReading(maximum: room) { buffer in
                    #expect(buffer.count == room)
                    guard take > 0 else { return -1 }  // as a read that found nothing
                    bytes[offset..<offset + take].withUnsafeBytes { buffer.copyMemory(from: $0) }
                    return take
                }
                #expect(stored == (take > 0 ? take : 0))
            }
            offset += take
            while let message = try framer.next() { out.append(Array(message)) }
        }
        #expect(out == messages)
        #expect(framer.bufferedCount == 0)
    }

    @Test func readRoomGrowsOnlyForAReaderThatFillsIt() {
        // An idle connection is lent 4 KB; each read that fills its room doubles it, up
        // to the maximum asked for.
        var busy = Framer()
        var lent: [Int] = []
        for _ in 0..<6 {
            busy.appendReading(maximum: 40_000) { buffer in
                lent.append(buffer.count)
                // Whole 8-byte ECHO_REQUESTs, so the framer hands them out and has room again.
                for offset in stride(from: 0, to: buffer.count - 7, by: 8) {
                    buffer.storeBytes(of: UInt64(0x0102_0008_0000_0000).bigEndian, toByteOffset: offset, as: UInt64.self)
                }
                return buffer.count / 8 * 8
            }
            while (try? busy.next()) ?? nil != nil {}
        }
        #expect(lent == [4096, 8192, 16384, 32768, 40_000, 40_000])
    }

    @Test func aFailedReadStoresNothing() throws {
        var framer = Framer()
        framer.append(hex("01 02 00 0c")[...])
        // A read that failed reports no bytes, whatever it scribbled into the room.
        let stored = framer.appendReading(maximum: 16) { room in
            room.initializeMemory(as: UInt8.self, repeating: 0xff)
            return -1
        }
        #expect(stored == 0)
        // The bytes buffered before stay, and the stream goes on.
        framer.append(hex("00 00 00 01 de ad be ef")[...])
        #expect(try framer.next() == hex("01 02 00 0c 00 00 00 01 de ad be ef")[...])
    }
}
