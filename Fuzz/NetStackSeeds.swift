import Glibc
import NetStack
import Scheduler
import Wire

/// Frames the harness builds (forged frames, rewritten segments, DHCP replies), with
/// correct lengths and checksums unless asked otherwise.
enum NetFrames {
    static func bytes(_ mac: MACAddress) -> [UInt8] { (0..<6).map { mac[$0] } }
    static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
    static func be32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    static func ethernet(destination: MACAddress, source: MACAddress, type: UInt16, _ payload: [UInt8]) -> [UInt8] {
        bytes(destination) + bytes(source) + be16(type) + payload
    }

    /// An IPv4 header (20 bytes, or 24 with `options`), checksum filled in, then
    /// `payload`; `lengthDelta` makes the total length lie.
    static func ipv4(
        proto: UInt8, source: IPv4Address, destination: IPv4Address, flagsAndOffset: UInt16 = 0x4000,
        identification: UInt16 = 1, options: Bool = false, lengthDelta: Int = 0, _ payload: [UInt8]
    ) -> [UInt8] {
        let headerLength = options ? 24 : 20
        let total = UInt16(truncatingIfNeeded: max(headerLength + payload.count + lengthDelta, 0))
        var header: [UInt8] = [UInt8(0x40 | headerLength / 4), 0] + be16(total) + be16(identification) + be16(flagsAndOffset)
        header += [64, proto, 0, 0] + be32(source.rawValue) + be32(destination.rawValue)
        if options { header += [1, 1, 1, 0] }
        let checksum = InternetChecksum.checksum(header[...])
        header[10] = UInt8(checksum >> 8)
        header[11] = UInt8(checksum & 0xFF)
        return header + payload
    }

    static func arp(operation: UInt16, senderMAC: MACAddress, senderIP: IPv4Address, targetMAC: MACAddress, targetIP: IPv4Address) -> [UInt8] {
        be16(1) + be16(0x0800) + [6, 4] + be16(operation) + bytes(senderMAC) + be32(senderIP.rawValue) + bytes(targetMAC)
            + be32(targetIP.rawValue)
    }

    /// A UDP datagram from side `from`'s address and MAC to `destination` (broadcast MAC
    /// for the limited broadcast), checksum filled in.
    static func udpFrame(from: Int, to destination: IPv4Address, sourcePort: UInt16, destinationPort: UInt16, _ payload: [UInt8]) -> [UInt8] {
        let source = netAddresses[from]
        var datagram = be16(sourcePort) + be16(destinationPort) + be16(UInt16(truncatingIfNeeded: 8 + payload.count)) + [0, 0] + payload
        let pseudo = InternetChecksum.pseudoHeaderSum(source: source, destination: destination, protocol: 17, length: datagram.count)
        var checksum = InternetChecksum.checksum(datagram[...], initial: pseudo)
        if checksum == 0 { checksum = 0xFFFF }
        datagram[6] = UInt8(checksum >> 8)
        datagram[7] = UInt8(checksum & 0xFF)
        let mac = destination == .broadcast ? MACAddress.broadcast : netMACs[1 - from]
        return ethernet(destination: mac, source: netMACs[from], type: 0x0800, ipv4(proto: 17, source: source, destination: destination, datagram))
    }

    /// A BOOTREPLY for A's MAC from server 10.0.0.2: message type, server identifier,
    /// lease time (T1, T2 by default), mask, router, then `extra` before the end option.
    static func dhcpReply(type: UInt8, xid: UInt32, yiaddr: IPv4Address, lease: UInt32, extra: [UInt8]) -> [UInt8] {
        var message: [UInt8] = [2, 1, 6, 0] + be32(xid) + be16(0) + be16(0x8000) + be32(0) + be32(yiaddr.rawValue)
        message += be32(netAddresses[1].rawValue) + be32(0) + bytes(netMACs[0]) + [UInt8](repeating: 0, count: 10 + 64 + 128)
        message += [99, 130, 83, 99, 53, 1, type, 54, 4] + be32(netAddresses[1].rawValue)
        message += [51, 4] + be32(lease) + [1, 4, 255, 255, 255, 0, 3, 4] + be32(netAddresses[1].rawValue)
        return message + extra + [255]
    }

    /// TCP options for a rewritten segment, padded to a multiple of 4: `value & 7` picks
    /// MSS, window scale, both, SACK permitted, timestamps, a zero length, an overlong
    /// length, or 40 bytes of junk.
    static func tcpOptions(_ value: UInt32) -> [UInt8] {
        let a = UInt8(value >> 8 & 0xFF)
        let b = UInt8(value >> 16 & 0xFF)
        var options: [UInt8]
        switch value & 7 {
        case 0: options = [2, 4, a, b]
        case 1: options = [1, 3, 3, a]
        case 2: options = [2, 4, a, b, 1, 3, 3, b]
        case 3: options = [4, 2, 1, 1]
        case 4: options = [1, 1, 8, 10] + be32(value) + be32(~value)
        case 5: options = [2, 0, a, b]
        case 6: options = [3, 255, a]
        default: options = (0..<40).map { UInt8(truncatingIfNeeded: value >> UInt32($0 % 24)) }
        }
        while options.count % 4 != 0 { options.append(0) }
        return Array(options.prefix(40))
    }

    /// One line about a frame, for traces.
    static func summary(_ frame: [UInt8]) -> String {
        guard let ethernet = try? EthernetHeader(frame[...]) else { return "\(frame.count) bytes" }
        if ethernet.etherType == .arp, let arp = try? ARPPacket(ethernet.payload) {
            return "ARP \(arp.operation == 1 ? "who-has" : "reply") \(arp.targetIP) from \(arp.senderIP)"
        }
        guard ethernet.etherType == .ipv4, let ip = try? IPv4Header(ethernet.payload) else { return "\(frame.count) bytes" }
        let base = "\(ip.source) > \(ip.destination)"
        if ip.isFragment { return base + " fragment id \(ip.identification) offset \(Int(ip.fragmentOffset) * 8)\(ip.moreFragments ? " MF" : "")" }
        switch ip.proto {
        case .tcp:
            guard let tcp = try? TCPHeader(ip.payload) else { return base + " TCP?" }
            let names = ["F", "S", "R", "P", ".", "U"]
            var flags = ""
            for (bit, name) in names.enumerated() where tcp.flags & (1 << bit) != 0 { flags += name }
            return base + " TCP \(tcp.sourcePort) > \(tcp.destinationPort) [\(flags)] seq \(tcp.sequenceNumber) ack \(tcp.acknowledgmentNumber) win \(tcp.window) len \(tcp.payload.count)"
        case .udp:
            guard let udp = try? UDPHeader(ip.payload) else { return base + " UDP?" }
            return base + " UDP \(udp.sourcePort) > \(udp.destinationPort) len \(udp.length)"
        case .icmp:
            guard let icmp = try? ICMPHeader(ip.payload) else { return base + " ICMP?" }
            return base + " ICMP type \(icmp.type) code \(icmp.code) len \(icmp.payload.count)"
        default:
            return base + " proto \(ip.proto.rawValue)"
        }
    }
}

/// Writes scripts in the input format of `NetStackFuzz.swift`.
struct NetScript {
    var bytes: [UInt8]

    init(_ config: NetRunConfig = []) { bytes = [config.rawValue] }

    private mutating func op(_ kind: UInt8, _ arg: Int) { bytes.append(kind | UInt8(arg & 15) << 4) }
    private mutating func op(_ kind: UInt8, side: Int, _ sub: Int) { op(kind, side & 1 | (sub & 7) << 1) }

    private mutating func payload(_ data: [UInt8]) {
        bytes += [UInt8(data.count >> 8 & 0xFF), UInt8(data.count & 0xFF)] + data
    }

    mutating func forged(_ side: Int, mode: Int, broadcast: Bool = false, _ data: [UInt8]) {
        op(0, side: side, mode | (broadcast ? 4 : 0))
        payload(data)
    }

    /// The peer's `back`-th last TCP segment, rewritten, to `side`.
    mutating func mutate(_ side: Int, back: UInt8 = 0, _ mutations: [(TCPMutation, UInt32)]) {
        op(1, side: side, mutations.count)
        bytes.append(back)
        for (mutation, value) in mutations.prefix(7) { bytes += [UInt8(mutation.rawValue)] + NetFrames.be32(value) }
    }

    mutating func transmit(_ side: Int, deliver: Bool = false) { op(2, side: side, deliver ? 1 : 0) }
    mutating func deliver(_ side: Int, _ mode: Delivery = .inOrder) { op(3, side: side, mode.rawValue) }
    mutating func pump(loss: Int = 0) { op(4, loss) }
    /// Advances `timeSteps[index]` ms with a tick.
    mutating func time(_ index: Int) { op(5, index) }
    mutating func toDeadline(late: Int = 0) { op(5, 12 + min(late, 1)) }
    mutating func pass(long: Bool = false) { op(5, long ? 15 : 14) }

    /// Port index into `tcpPorts`; destination byte 0 is the peer.
    mutating func connect(_ side: Int, port: Int = 0, fixed: Bool = false, destination: UInt8 = 0) {
        op(6, side: side, port | (fixed ? 4 : 0))
        bytes.append(destination)
    }

    /// `size` indexes `sendSizes`.
    mutating func send(_ side: Int, handle: UInt8 = 0, size: Int) {
        op(7, side: side, 0)
        bytes += [handle, UInt8(size)]
    }

    mutating func read(_ side: Int, handle: UInt8 = 0, size: Int = 3, all: Bool = true) {
        op(8, side: side, size | (all ? 4 : 0))
        bytes.append(handle)
    }

    /// 0 close, 1 abort, 2 shutdownWrite, 3 noDelay on, 4 off, 5 keepalive 1 s, 6 off, 7 state.
    mutating func control(_ side: Int, _ action: Int, handle: UInt8 = 0) {
        op(9, side: side, action)
        bytes.append(handle)
    }

    mutating func acceptAll(_ side: Int) { op(10, side: side, 0) }
    mutating func listen(_ side: Int, portIndex: UInt8) {
        op(10, side: side, 2)
        bytes.append(portIndex)
    }
    mutating func stopListening(_ side: Int, index: UInt8) {
        op(10, side: side, 3)
        bytes.append(index)
    }

    /// Socket index byte, destination (low 3 bits) and port index (`udpPorts`), size index.
    mutating func udpSend(_ side: Int, socket: UInt8 = 1, destination: UInt8 = 0, port: Int = 0, size: Int) {
        op(11, side: side, 0)
        bytes += [socket, destination | UInt8(port & 7) << 3, UInt8(size)]
    }

    mutating func udpReadAll(_ side: Int) { op(12, side: side, 3) }
    mutating func udpBind(_ side: Int, portIndex: UInt8) {
        op(12, side: side, 0)
        bytes.append(portIndex)
    }
    mutating func udpClose(_ side: Int, index: UInt8) {
        op(12, side: side, 2)
        bytes.append(index)
    }

    mutating func ping(_ side: Int, destination: UInt8 = 0, size: Int, identifier: Int = 1) {
        op(13, side: side, identifier)
        bytes += [destination, UInt8(size)]
    }

    mutating func dhcpStart() { op(14, 2) }
    mutating func dhcpRelease() { op(14, 3) }
    mutating func dhcpPayload(_ data: [UInt8]) {
        op(14, 0)
        payload(data)
    }
    /// `typeIndex` into `dhcpTypes` (offer, ack, nak, bogus); `lease` into `leaseTimes`.
    mutating func dhcpReply(typeIndex: Int, yiaddr: UInt8 = 50, lease: UInt8 = 0, extra: [UInt8] = []) {
        op(14, 4 + typeIndex)
        bytes += [yiaddr, lease]
        payload(extra)
    }

    /// 0 same, 1 unconfigured, 2 another address (byte), 3 start, 4 conflict, 5 /31, 6 gateway, 7 original.
    mutating func configure(_ side: Int, _ action: Int, address: UInt8 = 9) {
        op(15, side: side, action)
        if action == 2 { bytes.append(address) }
    }
}

/// The seed scripts of the NetStack fuzz target: real exchanges between the two stacks
/// (handshake, data both ways, FIN, RST, timeouts, zero windows, simultaneous open,
/// UDP, pings and fragments, DHCP), plus rewritten segments and forged frames.
/// `scripts/fuzz.sh --netstack --seeds` writes them to Fuzz/corpus-netstack.
enum NetStackSeeds {
    static func write(to directory: String) {
        for (name, script) in all() {
            let bytes = script.bytes
            guard let file = fopen(directory + "/seed-" + name, "wb") else { fatalError("cannot write \(directory)/seed-\(name)") }
            _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
            fclose(file)
        }
    }

    static func all() -> [(String, NetScript)] {
        var seeds: [(String, NetScript)] = []

        // Handshake, data both ways, FIN both ways, TIME_WAIT to its end.
        for (name, config) in [("handshake-data-fin", NetRunConfig()), ("handshake-data-fin-small", [.smallMTU, .tinyTCP, .fastTimers])] {
            var s = NetScript(config)
            s.connect(0)
            s.pump()
            s.acceptAll(1)
            s.send(0, size: 6)
            s.pump()
            s.read(1)
            s.send(1, size: 9)
            s.pump()
            s.read(0)
            s.control(0, 0)
            s.pump()
            s.read(1)
            s.control(1, 0)
            s.pump()
            s.time(10)
            s.pump()
            s.time(11)
            seeds.append((name, s))
        }

        // Step by step: each frame moved by hand, a delayed ACK, a half close.
        do {
            var s = NetScript()
            s.connect(0, port: 1)
            s.transmit(0, deliver: true)
            s.transmit(1, deliver: true)
            s.transmit(0, deliver: true)
            s.acceptAll(1)
            s.send(0, size: 2)
            s.transmit(0, deliver: true)
            s.time(2)
            s.transmit(1, deliver: true)
            s.control(0, 2)
            s.transmit(0, deliver: true)
            s.transmit(1, deliver: true)
            s.read(1)
            s.send(1, size: 3)
            s.control(1, 0)
            s.pump()
            s.time(9)
            seeds.append(("step-by-step-half-close", s))
        }

        // A bulk transfer over a lossy wire: retransmission timeouts, fast retransmit,
        // out-of-order reassembly, reads interleaved.
        for (name, config, loss) in [("lossy-bulk", NetRunConfig(), 4), ("lossy-bulk-tiny", [.tinyTCP, .smallMTU, .fastTimers], 3), ("reordered-bulk", [.noDelay], 15)] {
            var s = NetScript(config)
            s.connect(0)
            s.pump()
            s.acceptAll(1)
            s.send(0, size: 14)
            for _ in 0..<4 {
                s.pump(loss: loss)
                s.read(1, size: 2, all: false)
                s.toDeadline()
                s.pump(loss: loss)
            }
            s.read(1)
            s.pump()
            s.toDeadline()
            s.pump()
            s.read(1)
            s.control(0, 0)
            s.control(1, 0)
            s.pump()
            seeds.append((name, s))
        }

        // Zero window: the receiver does not read, the sender probes, then it reads.
        do {
            var s = NetScript([.tinyTCP, .fastTimers])
            s.connect(0)
            s.pump()
            s.acceptAll(1)
            s.send(0, size: 14)
            s.pump()
            s.toDeadline()
            s.pump()
            s.toDeadline()
            s.pump()
            s.read(1, size: 1, all: false)
            s.pump()
            s.read(1)
            s.pump()
            s.send(0, size: 14)
            s.control(0, 0)
            s.pump()
            s.read(1)
            s.pump()
            seeds.append(("zero-window-probe", s))
        }

        // Resets: a closed port, an abort, a close with unread data.
        do {
            var s = NetScript()
            s.connect(0, port: 3)
            s.pump()
            s.connect(0)
            s.pump()
            s.acceptAll(1)
            s.control(1, 1)
            s.pump()
            s.connect(0, port: 1)
            s.pump()
            s.acceptAll(1)
            s.send(0, handle: 2, size: 5)
            s.pump()
            s.control(1, 0, handle: 1)
            s.pump()
            seeds.append(("resets", s))
        }

        // Simultaneous open from port 4000 to port 4000, SYNs crossing.
        do {
            var s = NetScript()
            s.ping(0, size: 1)
            s.pump()
            s.connect(0, fixed: true)
            s.connect(1, fixed: true)
            s.transmit(0)
            s.transmit(1)
            s.deliver(0)
            s.deliver(1)
            s.pump()
            s.send(0, size: 3)
            s.send(1, size: 3)
            s.pump()
            s.read(0)
            s.read(1)
            s.control(0, 0)
            s.control(1, 0)
            s.pump()
            seeds.append(("simultaneous-open", s))
        }

        // Timeouts: SYNs to a host that never answers ARP, then an established
        // connection whose peer goes silent, with keepalive.
        do {
            var s = NetScript([.fastTimers, .keepAlive, .gateway])
            s.connect(0, destination: 7)
            s.connect(0, destination: 5)
            s.connect(0)
            s.pump()
            s.acceptAll(1)
            s.send(0, size: 3)
            s.transmit(0)
            s.deliver(0, .allLost)
            for _ in 0..<6 {
                s.toDeadline()
                s.transmit(0)
                s.deliver(0, .allLost)
            }
            s.time(9)
            s.pump()
            seeds.append(("timeouts-keepalive", s))
        }

        // UDP and ICMP: datagrams both ways, fragmented ones, closed ports, pings of
        // every size, broadcasts.
        for (name, config) in [("udp-icmp", NetRunConfig()), ("udp-icmp-small", [.smallMTU, .tinyNet])] {
            var s = NetScript(config)
            s.udpSend(0, size: 3)
            s.udpSend(1, size: 10)
            s.udpSend(0, port: 3, size: 3)
            s.udpSend(0, destination: 6, size: 2)
            s.ping(0, size: 3)
            s.ping(1, size: 10)
            s.ping(0, size: 12)
            s.pump()
            s.udpReadAll(0)
            s.udpReadAll(1)
            s.udpSend(0, size: 12)
            s.pump(loss: 2)
            s.time(11)
            s.udpClose(1, index: 1)
            s.udpSend(0, size: 3)
            s.pump()
            s.udpBind(1, portIndex: 0)
            s.udpSend(0, size: 9)
            s.pump()
            s.udpReadAll(1)
            seeds.append((name, s))
        }

        // DHCP: discover, offer, request, ack (A takes 10.0.0.50), renew, NAK, release.
        do {
            var s = NetScript([.dhcp])
            s.pump()
            s.dhcpReply(typeIndex: 0)
            s.pump()
            s.dhcpReply(typeIndex: 1, lease: 4)
            s.pump()
            s.connect(1)
            s.pump()
            s.time(8)
            s.time(9)
            s.pump()
            s.dhcpReply(typeIndex: 1, lease: 4)
            s.time(10)
            s.pump()
            s.dhcpReply(typeIndex: 2)
            s.pump()
            s.time(6)
            s.pump()
            s.dhcpReply(typeIndex: 0, yiaddr: 51)
            s.dhcpReply(typeIndex: 1, yiaddr: 51, lease: 0, extra: [58, 4, 0, 0, 0, 10, 59, 4, 0, 0, 0, 20])
            s.pump()
            s.dhcpRelease()
            s.pump()
            seeds.append(("dhcp", s))
        }

        // Rewritten segments against an established connection: an in-window RST
        // (challenge ACK), a SYN, old and future ACKs, a window shrink, data beyond the
        // window, bad options.
        do {
            var s = NetScript()
            s.connect(0)
            s.pump()
            s.acceptAll(1)
            s.send(0, size: 6)
            s.transmit(0)
            s.mutate(1, [(.setFlags, 0x04)])
            s.mutate(1, [(.setFlags, 0x02), (.options, 2)])
            s.mutate(1, [(.ackPlus, 100_000)])
            s.mutate(1, [(.ackMinus, 1)])
            s.mutate(1, [(.sequencePlus, 70_000), (.append, 30)])
            s.mutate(1, [(.zeroWindow, 0)])
            s.mutate(1, [(.options, 7), (.truncate, 3)])
            s.mutate(1, [(.badChecksum, 0), (.flipBit, 100)])
            s.deliver(0)
            s.pump()
            s.send(1, size: 7)
            s.transmit(1)
            s.mutate(0, [(.setFlags, 0x11), (.sequencePlus, 1)])
            s.mutate(0, [(.urgent, 5)])
            s.mutate(0, [(.dataOffset, 15)])
            s.mutate(0, [(.ports, 0x0050_0000)])
            s.mutate(0, [(.setFlags, 0x14), (.sequenceMinus, 1)])
            s.deliver(1)
            s.pump()
            s.read(0)
            s.read(1)
            s.toDeadline()
            s.pump()
            seeds.append(("mutated-segments", s))
        }

        // A handshake where the SYN-ACK is rewritten (window scale, MSS, a wrong ACK).
        do {
            var s = NetScript([.smallMTU])
            s.connect(0)
            s.transmit(0, deliver: true)
            s.transmit(1)
            s.mutate(0, [(.options, 0x0004_0100)])
            s.mutate(0, [(.ackPlus, 5)])
            s.mutate(0, [(.options, 1 | 14 << 8)])
            s.deliver(1, .duplicated)
            s.pump()
            s.acceptAll(1)
            s.send(0, size: 13)
            s.pump()
            s.read(1)
            s.pump()
            seeds.append(("mutated-handshake", s))
        }

        // Forged frames: ARP of every kind, IPv4 oddities, unknown protocols, fragments.
        do {
            var s = NetScript()
            s.forged(1, mode: 3, [1, 0, 0])
            s.forged(1, mode: 3, [2, 0x20, 1])
            s.forged(1, mode: 3, broadcast: true, [1, 0x40, 0])
            s.forged(1, mode: 2, [0, 0] + [8, 0, 0, 0, 0, 1, 0, 1] + Array("ping".utf8))
            s.forged(1, mode: 2, [1, 0x80] + [0x13, 0x88, 0x13, 0x88, 0, 0, 0, 0] + Array("udp".utf8))
            s.forged(1, mode: 2, [2, 0] + [0x30, 0x39, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xFF, 0xFF, 0, 0, 0, 0])
            s.forged(1, mode: 2, [47, 0] + [1, 2, 3, 4])
            s.forged(1, mode: 2, [1, 0x81, 0] + [0x13, 0x88, 0x13, 0x88, 0, 40, 0, 0] + [UInt8](repeating: 7, count: 32))
            s.forged(1, mode: 2, [1, 0x02, 4] + [UInt8](repeating: 9, count: 8))
            s.forged(1, mode: 2, [0, 0x40, 7] + [8, 0, 0, 0])
            s.forged(1, mode: 1, [0x81, 0x00, 0, 1, 0x08, 0x00])
            s.forged(1, mode: 0, [UInt8](repeating: 0xFF, count: 14))
            s.configure(1, 4)
            s.pump()
            seeds.append(("forged-frames", s))
        }

        // Reconfiguration under a live connection; listeners stopped and restarted.
        do {
            var s = NetScript([.gateway])
            s.connect(0, port: 1)
            s.pump()
            s.acceptAll(1)
            s.configure(1, 5)
            s.send(0, size: 6)
            s.pump()
            s.configure(1, 7)
            s.stopListening(1, index: 0)
            s.connect(0)
            s.pump()
            s.listen(1, portIndex: 0)
            s.connect(0)
            s.pump()
            s.configure(0, 1)
            s.send(0, size: 3)
            s.pump()
            s.configure(0, 7)
            s.pump()
            seeds.append(("reconfigure", s))
        }
        return seeds
    }
}
