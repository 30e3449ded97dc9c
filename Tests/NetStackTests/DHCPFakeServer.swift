import NetStack
import Scheduler
import TestSupport
import Wire

/// A client message as the tests read it: every BOOTP field by its offset, and the
/// options as (code, value) in order, parsed here independently of the client's code.
struct DHCPWireMessage {
    var bytes: [UInt8]
    var outgoing: DHCPOutgoing

    var op: UInt8 { bytes[0] }
    var htype: UInt8 { bytes[1] }
    var hlen: UInt8 { bytes[2] }
    var hops: UInt8 { bytes[3] }
    var xid: UInt32 { be32(4) }
    var secs: UInt16 { UInt16(bytes[8]) << 8 | UInt16(bytes[9]) }
    var flags: UInt16 { UInt16(bytes[10]) << 8 | UInt16(bytes[11]) }
    var ciaddr: IPv4Address { IPv4Address(rawValue: be32(12)) }
    var yiaddr: IPv4Address { IPv4Address(rawValue: be32(16)) }
    var siaddr: IPv4Address { IPv4Address(rawValue: be32(20)) }
    var giaddr: IPv4Address { IPv4Address(rawValue: be32(24)) }
    var chaddr: ArraySlice<UInt8> { bytes[28..<44] }
    var sname: ArraySlice<UInt8> { bytes[44..<108] }
    var file: ArraySlice<UInt8> { bytes[108..<236] }
    var cookie: UInt32 { be32(236) }
    var optionBytes: ArraySlice<UInt8> { bytes[240...] }

    var options: [(code: UInt8, value: [UInt8])] {
        var list: [(UInt8, [UInt8])] = []
        var i = 240
        while i < bytes.count, bytes[i] != 255 {
            if bytes[i] == 0 { i += 1; continue }
            let length = Int(bytes[i + 1])
            list.append((bytes[i], Array(bytes[(i + 2)..<(i + 2 + length)])))
            i += 2 + length
        }
        return list
    }

    func option(_ code: UInt8) -> [UInt8]? { options.first { $0.code == code }?.value }
    var messageType: UInt8? { option(53)?.first }

    private func be32(_ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }
}

extension DHCPClient {
    /// Every message waiting, written into a buffer of the size the client promises suffices.
    mutating func drainMessages(now: Instant) -> [DHCPWireMessage] {
        var sent: [DHCPWireMessage] = []
        var buffer = [UInt8](repeating: 0xEE, count: DHCPClient.maximumMessageSize)
        while true {
            let outgoing = buffer.withUnsafeMutableBytes { nextMessage(now: now, into: $0) }
            guard let outgoing else { return sent }
            sent.append(DHCPWireMessage(bytes: Array(buffer[..<outgoing.length]), outgoing: outgoing))
        }
    }

    mutating func drainEvents() -> [DHCPEvent] {
        var list: [DHCPEvent] = []
        while let event = nextEvent() { list.append(event) }
        return list
    }
}

/// A DHCP server in a few lines: answers DISCOVER with OFFER and REQUEST with ACK, and
/// builds any reply the tests need, field by field.
struct FakeDHCPServer {
    var serverID = IPv4Address(192, 0, 2, 1)
    var offered = IPv4Address(192, 0, 2, 50)
    var router = IPv4Address(192, 0, 2, 254)
    var dns = [IPv4Address(192, 0, 2, 53), IPv4Address(198, 51, 100, 53)]
    var mask = IPv4Address(255, 255, 255, 0)
    var leaseSeconds: UInt32 = 3600
    var renewalSeconds: UInt32?
    var rebindingSeconds: UInt32?

    /// OFFER for a DISCOVER, ACK for a REQUEST, nothing otherwise.
    func answer(_ message: DHCPWireMessage) -> [UInt8]? {
        switch message.messageType {
        case 1: reply(to: message, type: 2)
        case 3: reply(to: message, type: 5)
        default: nil
        }
    }

    func reply(
        to message: DHCPWireMessage, type: UInt8, yiaddr: IPv4Address? = nil, xid: UInt32? = nil,
        options: [UInt8]? = nil
    ) -> [UInt8] {
        let address = type == 6 ? .any : (yiaddr ?? (message.ciaddr != .any ? message.ciaddr : offered))
        return Self.header(op: 2, xid: xid ?? message.xid, flags: message.flags, ciaddr: message.ciaddr,
                           yiaddr: address, siaddr: serverID, chaddr: Array(message.chaddr))
            + (options ?? standardOptions(type: type)) + [255]
    }

    func standardOptions(type: UInt8) -> [UInt8] {
        var list: [UInt8] = [53, 1, type, 54, 4] + Frames.be32(serverID.rawValue)
        guard type != 6 else { return list }
        list += [51, 4] + Frames.be32(leaseSeconds)
        list += [1, 4] + Frames.be32(mask.rawValue)
        list += [3, 4] + Frames.be32(router.rawValue)
        list += [6, UInt8(4 * dns.count)] + dns.flatMap { Frames.be32($0.rawValue) }
        if let renewalSeconds { list += [58, 4] + Frames.be32(renewalSeconds) }
        if let rebindingSeconds { list += [59, 4] + Frames.be32(rebindingSeconds) }
        return list
    }

    /// The 236-byte BOOTP header and the magic cookie.
    static func header(
        op: UInt8, xid: UInt32, flags: UInt16 = 0, ciaddr: IPv4Address = .any, yiaddr: IPv4Address,
        siaddr: IPv4Address = .any, chaddr: [UInt8]
    ) -> [UInt8] {
        var bytes: [UInt8] = [op, 1, 6, 0] + Frames.be32(xid) + [0, 0] + Frames.be16(flags)
        bytes += Frames.be32(ciaddr.rawValue) + Frames.be32(yiaddr.rawValue)
        bytes += Frames.be32(siaddr.rawValue) + Frames.be32(0)
        bytes += chaddr + [UInt8](repeating: 0, count: 16 - chaddr.count)
        bytes += [UInt8](repeating: 0, count: 64 + 128)
        return bytes + [0x63, 0x82, 0x53, 0x63]
    }
}

enum DHCPTestClock {
    /// `seconds` after the clock's origin.
    static func at(_ seconds: UInt64) -> Instant { Instant.zero + .seconds(seconds) }
}

/// A client driven to BOUND against `server` at time `now`.
func boundClient(
    _ server: FakeDHCPServer = FakeDHCPServer(), mac: MACAddress = Frames.hostA, now: Instant = .zero
) -> DHCPClient {
    var client = DHCPClient(mac: mac, seed: 7)
    client.start(now: now)
    let discover = client.drainMessages(now: now)[0]
    client.receive(payload: server.answer(discover)![...], now: now)
    let request = client.drainMessages(now: now)[0]
    client.receive(payload: server.answer(request)![...], now: now)
    _ = client.drainEvents()
    return client
}
