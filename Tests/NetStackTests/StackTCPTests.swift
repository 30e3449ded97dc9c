import NetStack
import Scheduler
import Testing
import TestSupport
import Wire

/// TCP carried by the IP layer: segments pulled in `transmit`, framed in place, parked
/// behind ARP, and delivered to the peer's TCP.
@Suite struct StackTCPTests {
    @Test
    func twoStacksConnectAndExchangeData() throws {
        var wire = TwoStacks()
        let listener = try wire.b.tcp.listen(port: 6633)
        let client = try wire.a.tcp.connect(from: Net.ipA, to: Net.ipB, port: 6633, now: wire.now)
        wire.run()
        #expect(wire.a.tcp.nextEvent() == .connected(client))
        #expect(wire.b.tcp.nextEvent() == .acceptable(listener))
        let accepted = wire.b.tcp.accept(listener)
        let server = try #require(accepted)

        let message = Array("hello from a".utf8)
        let sent = try message.withUnsafeBytes { bytes throws(TCPError) in try wire.a.tcp.send(client, bytes) }
        #expect(sent == message.count)
        wire.advance(to: Net.seconds(1))
        var buffer = [UInt8](repeating: 0, count: 100)
        let count = try buffer.withUnsafeMutableBytes { bytes throws(TCPError) in try wire.b.tcp.read(server, into: bytes) }
        #expect(Array(buffer[..<count]) == message)

        // Every TCP frame fit the MTU and carried a valid IPv4 header with DF set.
        let tcpFrames = (wire.sentByA + wire.sentByB).compactMap(Net.parse).filter { $0.ip.proto == .tcp }
        #expect(!tcpFrames.isEmpty)
        #expect(tcpFrames.allSatisfy { $0.ip.checksumIsValid && $0.ip.flagsAndFragmentOffset == 0x4000 && $0.ip.ttl == 64 })
    }

    @Test
    func portUnreachableAboutOurSYNReachesTCP() throws {
        var stack = Net.stack()
        Net.learnPeer(&stack)
        let handle = try stack.tcp.connect(from: Net.ipB, to: Net.ipA, port: 80, now: .zero)
        let syn = try #require(Net.drain(&stack).first)
        #expect(Net.parse(syn)?.ip.proto == .tcp)
        let quote = Array(syn[14..<(14 + 28)])
        stack.receive(frame: Net.ipFrame(proto: 1, Net.icmp(type: 3, code: 3, rest: 0, quote))[...], now: Net.seconds(0.1))
        #expect(stack.tcp.nextEvent() == .closed(handle, .unreachable))
    }
}
