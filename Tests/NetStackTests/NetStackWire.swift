import NetStack
import Scheduler
import TestSupport
import Wire

/// Helpers for the IP layer tests: stacks with known addresses, frames drained from a
/// stack, hand-built frames with valid checksums, and two stacks on an in-memory wire.
enum Net {
    static let macA = Frames.hostA
    static let macB = Frames.hostB
    static let gatewayMAC = MACAddress(0x00, 0x00, 0x5E, 0x00, 0x53, 0xFE)
    static let ipA = IPv4Address(192, 0, 2, 1)
    static let ipB = IPv4Address(192, 0, 2, 2)
    static let gateway = IPv4Address(192, 0, 2, 254)
    static let remote = IPv4Address(203, 0, 113, 9)

    static func seconds(_ s: Double) -> Instant { Instant(nanoseconds: UInt64(s * 1_000_000_000)) }

    /// A stack at `ipB`/24 with MAC `macB` (the peer in hand-built frames is `ipA`/`macA`).
    static func stack(
        mac: MACAddress = macB, address: IPv4Address = ipB, gateway: IPv4Address? = Net.gateway,
        mtu: Int = 1500, limits: NetStackLimits = NetStackLimits(), seed: UInt64 = 1
    ) -> NetStack {
        NetStack(
            configuration: NetStackConfiguration(mac: mac, address: address, prefixLength: 24, gateway: gateway, mtu: mtu, limits: limits),
            seed: seed)
    }

    /// Every frame the stack has to send now.
    static func drain(_ stack: inout NetStack, now: Instant = .zero) -> [[UInt8]] {
        var offloaded: [([UInt8], FrameOffload)] = []
        return drain(&stack, now: now, offloaded: &offloaded)
    }

    /// Every frame the stack has to send now, as they reach the wire: a large frame for
    /// a device with segmentation offload (kept in `offloaded`) is cut up in software.
    static func drain(_ stack: inout NetStack, now: Instant = .zero, offloaded: inout [([UInt8], FrameOffload)]) -> [[UInt8]] {
        var frames: [[UInt8]] = []
        var buffer = [UInt8](repeating: 0, count: stack.minimumTransmitBuffer)
        var offload = FrameOffload()
        while true {
            let length = buffer.withUnsafeMutableBytes { stack.transmit(into: $0, now: now, offload: &offload) }
            guard length > 0 else { return frames }
            let frame = Array(buffer[..<length])
            if offload.segments { offloaded.append((frame, offload)) }
            frames += SoftwareSegmentation.cut(frame, offload)
        }
    }

    /// Teaches the stack that `ipA` is at `macA` with a request from it for our address.
    static func learnPeer(_ stack: inout NetStack, ip: IPv4Address = ipA, mac: MACAddress = macA, now: Instant = .zero) {
        stack.receive(
            frame: Frames.ethernet(dst: .broadcast, src: mac, type: 0x0806, Frames.arp(operation: 1, senderMAC: mac, senderIP: ip, targetIP: stack.address))[...],
            now: now)
        _ = drain(&stack, now: now)
    }

    static func checksum(_ bytes: [UInt8], initial: UInt32 = 0) -> UInt16 {
        InternetChecksum.checksum(bytes[...], initial: initial)
    }

    /// An ICMP message with its checksum filled in.
    static func icmp(type: UInt8, code: UInt8 = 0, rest: UInt32, _ payload: [UInt8] = []) -> [UInt8] {
        var message = [type, code, 0, 0] + Frames.be32(rest) + payload
        let sum = checksum(message)
        message[2] = UInt8(sum >> 8)
        message[3] = UInt8(sum & 0xFF)
        return message
    }

    /// A UDP datagram with its checksum filled in for `src` -> `dst`.
    static func udp(src: IPv4Address = ipA, dst: IPv4Address = ipB, srcPort: UInt16, dstPort: UInt16, _ payload: [UInt8]) -> [UInt8] {
        var datagram = Frames.udp(src: srcPort, dst: dstPort, payload)
        let pseudo = InternetChecksum.pseudoHeaderSum(source: src, destination: dst, protocol: 17, length: datagram.count)
        var sum = checksum(datagram, initial: pseudo)
        if sum == 0 { sum = 0xFFFF }
        datagram[6] = UInt8(sum >> 8)
        datagram[7] = UInt8(sum & 0xFF)
        return datagram
    }

    /// An IPv4 frame from A to B's MAC.
    static func ipFrame(
        proto: UInt8, src: IPv4Address = ipA, dst: IPv4Address = ipB, flagsAndOffset: UInt16 = 0x4000,
        ethernetDestination: MACAddress = macB, _ payload: [UInt8]
    ) -> [UInt8] {
        Frames.ethernet(dst: ethernetDestination, src: macA, type: 0x0800, Frames.ipv4(proto: proto, src: src, dst: dst, flagsAndOffset: flagsAndOffset, payload))
    }

    /// Fields of a frame the tests look at.
    struct Parsed {
        var ethernet: EthernetHeader
        var ip: IPv4Header
        var payload: ArraySlice<UInt8>
    }

    static func parse(_ frame: [UInt8]) -> Parsed? {
        guard let ethernet = try? EthernetHeader(frame[...]), ethernet.etherType == .ipv4,
            let ip = try? IPv4Header(ethernet.payload)
        else { return nil }
        return Parsed(ethernet: ethernet, ip: ip, payload: ip.payload)
    }
}

/// Two stacks joined by an in-memory Ethernet segment, driven on a virtual clock.
struct TwoStacks {
    var a: NetStack
    var b: NetStack
    var now = Instant.zero
    /// Frames each side sent, for the tests to look at.
    var sentByA: [[UInt8]] = []
    var sentByB: [[UInt8]] = []
    /// Large frames A left for its device to segment, with what it asked of it.
    var offloadedByA: [([UInt8], FrameOffload)] = []

    init(mtu: Int = 1500, limits: NetStackLimits = NetStackLimits()) {
        a = Net.stack(mac: Net.macA, address: Net.ipA, mtu: mtu, limits: limits, seed: 11)
        b = Net.stack(mac: Net.macB, address: Net.ipB, mtu: mtu, limits: limits, seed: 22)
    }

    /// Moves frames both ways until neither side has anything to send.
    mutating func run() {
        while true {
            let fromA = Net.drain(&a, now: now, offloaded: &offloadedByA)
            let fromB = Net.drain(&b, now: now)
            if fromA.isEmpty && fromB.isEmpty { return }
            sentByA += fromA
            sentByB += fromB
            for frame in fromA { b.receive(frame: frame[...], now: now) }
            for frame in fromB { a.receive(frame: frame[...], now: now) }
        }
    }

    /// Advances the clock to `instant`, firing both stacks' timers on the way.
    mutating func advance(to instant: Instant) {
        while true {
            let next = [a.nextDeadline, b.nextDeadline].compactMap { $0 }.min()
            guard let next, next <= instant else { break }
            now = Swift.max(now, next)
            a.tick(now: now)
            b.tick(now: now)
            run()
        }
        now = instant
        a.tick(now: now)
        b.tick(now: now)
        run()
    }
}
