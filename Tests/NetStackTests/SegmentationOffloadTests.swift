import NetStack
import Scheduler
import TestSupport
import Testing
import Wire

/// TCP segmentation offload: with a device that segments, bulk data leaves in large
/// frames with a partial checksum and what the device needs to cut them; the pieces
/// (cut here as Linux would) reach the peer as an ordinary, exact byte stream.
@Suite struct SegmentationOffloadTests {
    /// MSS 1460 less the 12 bytes of timestamps; headers: Ethernet, IPv4, TCP with timestamps.
    static let expected = FrameOffload(segmentSize: 1448, headerLength: 14 + 20 + 32, checksumStart: 34, checksumOffset: 16)

    /// Two stacks with an open connection from A to B; A's device segments when `offload`.
    static func connected(offload: Int = 65535) throws -> (wire: TwoStacks, client: TCPHandle, server: TCPHandle) {
        var wire = TwoStacks()
        wire.a.segmentationOffload = offload
        let listener = try wire.b.tcp.listen(port: 5001)
        let client = try wire.a.tcp.connect(from: Net.ipA, to: Net.ipB, port: 5001, now: wire.now)
        wire.run()
        #expect(wire.a.tcp.nextEvent() == .connected(client))
        #expect(wire.b.tcp.nextEvent() == .acceptable(listener))
        let accepted = wire.b.tcp.accept(listener)
        let server = try #require(accepted)
        return (wire, client, server)
    }

    /// Sends `data` from the client, past the `sent` bytes already queued (closing after
    /// it when `close`), running the wire on a virtual clock; returns what the server read.
    static func transfer(
        _ wire: inout TwoStacks, _ client: TCPHandle, _ server: TCPHandle, _ data: [UInt8], sent alreadySent: Int = 0, close: Bool = false
    ) throws -> [UInt8] {
        var sent = alreadySent
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        var step = 0
        while received.count < data.count || (close && !wire.b.tcp.isReadClosed(server)), step < 10_000 {
            if sent < data.count {
                sent += try data[sent...].withUnsafeBytes { bytes throws(TCPError) in try wire.a.tcp.send(client, bytes) }
                if sent == data.count, close { wire.a.tcp.shutdownWrite(client) }
            }
            wire.run()
            while true {
                let count = try buffer.withUnsafeMutableBytes { bytes throws(TCPError) in try wire.b.tcp.read(server, into: bytes) }
                if count == 0 { break }
                received += buffer[..<count]
            }
            wire.advance(to: wire.now + .milliseconds(1))
            step += 1
        }
        return received
    }

    @Test func bulkDataLeavesInLargeFramesWithPartialChecksumAndSegmentationMetadata() throws {
        var (wire, client, server) = try Self.connected()
        #expect(wire.a.minimumTransmitBuffer == 14 + 65535)
        var rng = SplitMix64(seed: 5)
        let data = rng.bytes(100_000)
        let sent = try data.withUnsafeBytes { bytes throws(TCPError) in try wire.a.tcp.send(client, bytes) }
        wire.run()

        let (frame, offload) = try #require(wire.offloadedByA.first)
        #expect(offload == Self.expected)
        let parsed = try #require(Net.parse(frame))
        #expect(Int(parsed.ip.totalLength) == frame.count - 14)
        #expect(parsed.ip.checksumIsValid)
        // The initial window (10 segments) in one frame.
        #expect(frame.count - Int(offload.headerLength) == 10 * 1448)
        let pseudo = InternetChecksum.pseudoHeaderSum(source: Net.ipA, destination: Net.ipB, protocol: 6, length: frame.count - 34)
        #expect(SoftwareSegmentation.be16(frame, 34 + 16) == UInt16(pseudo))
        #expect(wire.a.counters.segmentsOffloaded == UInt64(wire.offloadedByA.count))

        let received = try Self.transfer(&wire, client, server, data, sent: sent)
        #expect(received.count == data.count)
        let intact = received == data  // as a Bool: a failure printing the arrays helps nobody
        #expect(intact)
    }

    @Test func theReceiverGetsTheExactStreamAndTheFINOnTheLastPiece() throws {
        var (wire, client, server) = try Self.connected()
        var rng = SplitMix64(seed: 9)
        let data = rng.bytes(1_000_003)
        let received = try Self.transfer(&wire, client, server, data, close: true)
        #expect(received.count == data.count)
        let intact = received == data  // as a Bool: a failure printing the arrays helps nobody
        #expect(intact)
        #expect(wire.b.tcp.isReadClosed(server))
        #expect(wire.a.tcp.counters.retransmissions == 0)
        #expect(wire.b.tcp.counters.badChecksum == 0)
        #expect(wire.offloadedByA.count > 10)
        // Only MTU-sized frames reached the wire.
        #expect((wire.sentByA + wire.sentByB).allSatisfy { $0.count <= 1514 })
        // Large frames carry whole MSS-sized pieces, except the last one, which took the
        // tail along with the FIN (it would have gone at once anyway).
        for (frame, offload) in wire.offloadedByA.dropLast() {
            #expect((frame.count - Int(offload.headerLength)) % 1448 == 0)
        }
        let (last, offload) = try #require(wire.offloadedByA.last)
        #expect(last[34 + 13] & 0x01 != 0)
        let pieces = SoftwareSegmentation.cut(last, offload)
        #expect(pieces.dropLast().allSatisfy { $0[34 + 13] & 0x09 == 0 })
        #expect(pieces.last.map { $0[34 + 13] & 0x01 != 0 } == true)
    }

    @Test func aLostPieceIsResentMSSSized() throws {
        var (wire, client, server) = try Self.connected()
        var rng = SplitMix64(seed: 13)
        let data = rng.bytes(300_000)
        let sent = try data.withUnsafeBytes { bytes throws(TCPError) in try wire.a.tcp.send(client, bytes) }
        // The third piece of the first large frame is lost.
        var offloaded: [([UInt8], FrameOffload)] = []
        var pieces = Net.drain(&wire.a, now: wire.now, offloaded: &offloaded)
        #expect(offloaded.count == 1 && pieces.count == 10)
        pieces.remove(at: 2)
        for piece in pieces { wire.b.receive(frame: piece[...], now: wire.now) }
        let received = try Self.transfer(&wire, client, server, data, sent: sent)
        #expect(received.count == data.count)
        let intact = received == data  // as a Bool: a failure printing the arrays helps nobody
        #expect(intact)
        #expect(wire.a.tcp.counters.retransmissions > 0)
        // Large frames only ever carried new data, in order.
        var next: UInt32? = nil
        for (frame, _) in offloaded + wire.offloadedByA {
            let sequence = SoftwareSegmentation.be32(frame, 34 + 4)
            if let next { #expect(Int32(bitPattern: sequence &- next) >= 0) }
            next = sequence &+ UInt32(frame.count - 66)
        }
    }

    @Test func withoutOffloadEveryFrameFitsTheMTU() throws {
        var (wire, client, server) = try Self.connected(offload: 0)
        #expect(wire.a.minimumTransmitBuffer < 1600)
        var rng = SplitMix64(seed: 21)
        let data = rng.bytes(200_000)
        let received = try Self.transfer(&wire, client, server, data)
        #expect(received.count == data.count)
        let intact = received == data  // as a Bool: a failure printing the arrays helps nobody
        #expect(intact)
        #expect(wire.offloadedByA.isEmpty)
        #expect(wire.a.counters.segmentsOffloaded == 0)
        #expect(wire.sentByA.allSatisfy { $0.count <= 1514 })
    }

    @Test func thePlainTransmitNeverWritesALargeFrame() throws {
        var (wire, client, _) = try Self.connected()
        var rng = SplitMix64(seed: 34)
        let data = rng.bytes(50_000)
        _ = try data.withUnsafeBytes { bytes throws(TCPError) in try wire.a.tcp.send(client, bytes) }
        var buffer = [UInt8](repeating: 0, count: wire.a.minimumTransmitBuffer)
        var frames: [[UInt8]] = []
        while true {
            let length = buffer.withUnsafeMutableBytes { wire.a.transmit(into: $0, now: wire.now) }
            guard length > 0 else { break }
            frames.append(Array(buffer[..<length]))
        }
        #expect(frames.count == 10)
        #expect(frames.allSatisfy { $0.count == 14 + 20 + 32 + 1448 })
        let segments = frames.compactMap(Net.parse).map(\.payload)
        #expect(segments.allSatisfy { InternetChecksum.sum($0, initial: InternetChecksum.pseudoHeaderSum(source: Net.ipA, destination: Net.ipB, protocol: 6, length: $0.count)) == 0xFFFF })
    }
}
