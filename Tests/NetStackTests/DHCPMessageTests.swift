import NetStack
import Scheduler
import Testing
import TestSupport
import Wire

/// The bytes the client puts on the wire, checked field by field against RFC 2131.
@Suite struct DHCPMessageTests {
    let mac = MACAddress(0x02, 0x00, 0x5E, 0x10, 0x20, 0x30)
    let server = FakeDHCPServer()

    /// The options every DISCOVER and REQUEST carries after its message type.
    var clientID: [UInt8] { hex("3d 07 01 02005e102030") }
    let parameterList = hex("37 07 01 03 06 33 36 3a 3b")

    func expectFixedHeader(_ m: DHCPWireMessage, broadcast: Bool, ciaddr: IPv4Address) {
        #expect(m.op == 1)  // BOOTREQUEST
        #expect(m.htype == 1)  // Ethernet
        #expect(m.hlen == 6)
        #expect(m.hops == 0)
        #expect(m.flags == (broadcast ? 0x8000 : 0))
        #expect(m.ciaddr == ciaddr)
        #expect(m.yiaddr == .any)
        #expect(m.siaddr == .any)
        #expect(m.giaddr == .any)
        #expect(Array(m.chaddr) == hex("02005e102030", "00000000000000000000"))
        #expect(m.sname.allSatisfy { $0 == 0 })
        #expect(m.file.allSatisfy { $0 == 0 })
        #expect(m.cookie == 0x6382_5363)
        #expect(m.bytes.count >= 300)
    }

    @Test func discover() {
        var client = DHCPClient(mac: mac, seed: 1)
        client.start(now: .zero)
        #expect(client.state == .selecting)
        let sent = client.drainMessages(now: .zero)
        #expect(sent.count == 1)
        let m = sent[0]
        #expect(m.outgoing == DHCPOutgoing(length: 300, source: .any, destination: .broadcast))
        #expect(m.outgoing.isBroadcast)
        expectFixedHeader(m, broadcast: true, ciaddr: .any)
        #expect(m.secs == 0)
        let options = hex("35 01 01") + clientID + parameterList + [0xFF]
        #expect(Array(m.optionBytes.prefix(options.count)) == options)
        #expect(m.optionBytes.dropFirst(options.count).allSatisfy { $0 == 0 })  // padding to 300
    }

    @Test func discoverCarriesHostname() {
        var client = DHCPClient(mac: mac, seed: 1, hostname: Array("ofswitch".utf8))
        client.start(now: .zero)
        let m = client.drainMessages(now: .zero)[0]
        #expect(m.option(12) == Array("ofswitch".utf8))
        #expect(m.option(55) == [1, 3, 6, 51, 54, 58, 59])
    }

    @Test func requestAnswersTheOffer() {
        var client = DHCPClient(mac: mac, seed: 1)
        client.start(now: .zero)
        let discover = client.drainMessages(now: .zero)[0]
        client.receive(payload: server.answer(discover)![...], now: DHCPTestClock.at(1))
        #expect(client.state == .requesting)
        let sent = client.drainMessages(now: DHCPTestClock.at(2))
        #expect(sent.count == 1)
        let m = sent[0]
        #expect(m.outgoing == DHCPOutgoing(length: 300, source: .any, destination: .broadcast))
        expectFixedHeader(m, broadcast: true, ciaddr: .any)
        #expect(m.xid == discover.xid)  // the OFFER's transaction continues
        #expect(m.secs == 2)  // seconds since the DISCOVER
        let options = hex("35 01 03") + clientID + hex("32 04 c0000232", "36 04 c0000201") + parameterList + [0xFF]
        #expect(Array(m.optionBytes.prefix(options.count)) == options)
        #expect(m.optionBytes.dropFirst(options.count).allSatisfy { $0 == 0 })
    }

    @Test func renewingRequestIsUnicastWithCiaddr() {
        var client = boundClient(mac: mac)
        client.tick(now: DHCPTestClock.at(1800))
        #expect(client.state == .renewing)
        let m = client.drainMessages(now: DHCPTestClock.at(1800))[0]
        #expect(m.outgoing == DHCPOutgoing(length: 300, source: server.offered, destination: server.serverID))
        #expect(!m.outgoing.isBroadcast)
        expectFixedHeader(m, broadcast: false, ciaddr: server.offered)
        #expect(m.secs == 0)
        let options = hex("35 01 03") + clientID + parameterList + [0xFF]  // no 50, no 54
        #expect(Array(m.optionBytes.prefix(options.count)) == options)
    }

    @Test func rebindingRequestIsBroadcastWithCiaddr() {
        var client = boundClient(mac: mac)
        client.tick(now: DHCPTestClock.at(3150))
        #expect(client.state == .rebinding)
        let m = client.drainMessages(now: DHCPTestClock.at(3150))[0]
        #expect(m.outgoing == DHCPOutgoing(length: 300, source: server.offered, destination: .broadcast))
        expectFixedHeader(m, broadcast: false, ciaddr: server.offered)
        let options = hex("35 01 03") + clientID + parameterList + [0xFF]
        #expect(Array(m.optionBytes.prefix(options.count)) == options)
    }

    @Test func releaseGoesToTheServer() {
        var client = boundClient(mac: mac)
        client.release(now: DHCPTestClock.at(100))
        #expect(client.state == .stopped)
        #expect(client.lease == nil)
        #expect(client.nextDeadline == nil)
        let sent = client.drainMessages(now: DHCPTestClock.at(100))
        #expect(sent.count == 1)
        let m = sent[0]
        #expect(m.outgoing == DHCPOutgoing(length: 300, source: server.offered, destination: server.serverID))
        expectFixedHeader(m, broadcast: false, ciaddr: server.offered)
        let options = hex("35 01 07") + clientID + hex("36 04 c0000201") + [0xFF]
        #expect(Array(m.optionBytes.prefix(options.count)) == options)
        // Stopped means silent: nothing later either.
        client.tick(now: DHCPTestClock.at(100_000))
        #expect(client.drainMessages(now: DHCPTestClock.at(100_000)).isEmpty)
    }

    @Test func releaseWithoutLeaseJustStops() {
        var client = DHCPClient(mac: mac, seed: 1)
        client.start(now: .zero)
        client.release(now: .zero)
        #expect(client.state == .stopped)
        #expect(client.drainMessages(now: .zero).isEmpty)
        client.start(now: DHCPTestClock.at(5))
        #expect(client.drainMessages(now: DHCPTestClock.at(5)).first?.messageType == 1)
    }

    @Test func shortBufferKeepsTheMessageWaiting() {
        var client = DHCPClient(mac: mac, seed: 1)
        client.start(now: .zero)
        var small = [UInt8](repeating: 0, count: 299)
        let none = small.withUnsafeMutableBytes { client.nextMessage(now: .zero, into: $0) }
        #expect(none == nil)
        #expect(client.counters.transmitted == 0)
        #expect(client.drainMessages(now: .zero).count == 1)
    }

    @Test func longHostnameFitsTheMaximumSize() {
        var client = DHCPClient(mac: mac, seed: 1, hostname: [UInt8](repeating: 0x61, count: 400))
        #expect(client.hostname?.count == 255)
        let m = boundOffer(&client)
        #expect(m.bytes.count == 531)  // the longest message the client writes
        #expect(m.bytes.count <= DHCPClient.maximumMessageSize)
        #expect(m.option(12)?.count == 255)
    }

    /// Drives `client` to REQUESTING and returns its REQUEST, the longest message.
    func boundOffer(_ client: inout DHCPClient) -> DHCPWireMessage {
        client.start(now: .zero)
        let discover = client.drainMessages(now: .zero)[0]
        client.receive(payload: server.answer(discover)![...], now: .zero)
        return client.drainMessages(now: .zero)[0]
    }
}
