import NetStack
import Scheduler
import Testing
import TestSupport
import Wire

/// Path MTU discovery (RFC 1191) with RFC 5927's check: "fragmentation needed" quoting a
/// segment in flight shrinks the connection's segments and resends them; one quoting
/// anything else changes nothing.
@Suite struct PathMTUTests {
    static let router = IPv4Address(192, 0, 2, 254)

    /// An established connection A -> B with 20 000 bytes just sent by A (not delivered):
    /// the wire, the client handle, and A's data frames.
    static func connectionWithDataInFlight() throws -> (TwoStacks, TCPHandle, [[UInt8]]) {
        var wire = TwoStacks()
        let listener = try wire.b.tcp.listen(port: 80)
        let client = try wire.a.tcp.connect(from: Net.ipA, to: Net.ipB, port: 80, now: wire.now)
        wire.run()
        let accepted = wire.b.tcp.accept(listener)
        #expect(accepted != nil)
        let data = [UInt8](repeating: 0x5A, count: 20_000)
        let sent = try data.withUnsafeBytes { bytes throws(TCPError) in try wire.a.tcp.send(client, bytes) }
        #expect(sent == data.count)
        let frames = Net.drain(&wire.a, now: wire.now).filter { (Net.parse($0)?.payload.count ?? 0) > 100 }
        #expect(frames.count == 10, "the initial window: ten full segments")
        return (wire, client, frames)
    }

    /// The router's "fragmentation needed" for `frame`, quoting its IP header and 8 bytes.
    static func fragmentationNeeded(quoting frame: [UInt8], mtu: UInt16) -> [UInt8] {
        let quote = Array(frame[14..<(14 + 28)])
        return Frames.ethernet(
            dst: Net.macA, src: Net.gatewayMAC, type: 0x0800,
            Frames.ipv4(proto: 1, src: router, dst: Net.ipA, Net.icmp(type: 3, code: 4, rest: UInt32(mtu), quote)))
    }

    static func tcpSequence(_ frame: [UInt8]) -> UInt32 {
        frame[38..<42].reduce(0) { $0 << 8 | UInt32($1) }
    }

    @Test func aSmallerPathMTUResendsTheFlightInSmallerSegments() throws {
        var (wire, _, frames) = try Self.connectionWithDataInFlight()
        wire.a.receive(frame: Self.fragmentationNeeded(quoting: frames[3], mtu: 1280)[...], now: wire.now)
        #expect(wire.a.tcp.counters.pathMTUDecreases == 1)
        let resent = Net.drain(&wire.a, now: wire.now).compactMap(Net.parse).filter { $0.payload.count > 100 }
        #expect(!resent.isEmpty)
        #expect(resent.allSatisfy { $0.ip.totalLength <= 1280 && $0.ip.flagsAndFragmentOffset == 0x4000 })
        let first = try #require(resent.first)
        #expect(first.payload.prefix(8).suffix(4).reduce(0) { $0 << 8 | UInt32($1) } == Self.tcpSequence(frames[0]),
                "resending starts at the first unacknowledged byte")
        // The rest of the transfer keeps to the new size.
        wire.advance(to: Net.seconds(5))
        let later = wire.sentByA.compactMap(Net.parse).filter { $0.ip.proto == .tcp }
        #expect(later.contains { $0.payload.count > 100 })
        #expect(later.allSatisfy { $0.ip.totalLength <= 1280 })
    }

    @Test func anErrorQuotingDataNotInFlightIsIgnored() throws {
        var (wire, _, frames) = try Self.connectionWithDataInFlight()
        var forged = frames[0]
        forged[38] ^= 0x80  // a sequence number half the space away
        wire.a.receive(frame: Self.fragmentationNeeded(quoting: forged, mtu: 576)[...], now: wire.now)
        wire.a.receive(frame: Self.fragmentationNeeded(quoting: frames[0], mtu: 1500)[...], now: wire.now)
        wire.a.receive(frame: Self.fragmentationNeeded(quoting: frames[0], mtu: 0)[...], now: wire.now)
        #expect(wire.a.tcp.counters.pathMTUDecreases == 0)
        #expect(wire.a.tcp.counters.icmpIgnored == 2, "the forged quote and the zero MTU")
        #expect(Net.drain(&wire.a, now: wire.now).isEmpty)
    }

    @Test func aTinyPathMTUIsFlooredAndClearsDF() throws {
        var (wire, _, frames) = try Self.connectionWithDataInFlight()
        wire.a.receive(frame: Self.fragmentationNeeded(quoting: frames[0], mtu: 296)[...], now: wire.now)
        let resent = Net.drain(&wire.a, now: wire.now).compactMap(Net.parse).filter { $0.payload.count > 100 }
        #expect(!resent.isEmpty)
        #expect(resent.first?.ip.totalLength == 552)
        #expect(resent.allSatisfy { $0.ip.totalLength <= 552 && $0.ip.flagsAndFragmentOffset == 0 })
    }
}
