import Devices
import NetStack
import NetStackHost
import Scheduler
import Testing
import TestSupport
import Wire

/// A burst larger than one readiness's batches, on a device whose wake-ups are edges (as
/// Xen netfront's are), must still be read to its end.
struct EdgeWakeupTests {
    struct Idle: Platform {
        var clock = Instant.zero
        func now() -> Instant { clock }
        mutating func wait(until deadline: Instant?, _ ready: (Readiness) -> Void) {
            if let deadline, deadline > clock { clock = deadline }
        }
    }

    /// An ICMP echo request from host A to us, with a valid checksum.
    static func echoRequest(to address: IPv4Address, mac: MACAddress, sequence: UInt16) -> [UInt8] {
        var icmp: [UInt8] = [8, 0, 0, 0, 0, 7] + Frames.be16(sequence) + [UInt8](repeating: 0x5a, count: 16)
        var sum: UInt32 = 0
        for i in stride(from: 0, to: icmp.count, by: 2) { sum += UInt32(icmp[i]) << 8 | UInt32(icmp[i + 1]) }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        icmp[2] = UInt8(~UInt16(sum) >> 8)
        icmp[3] = UInt8(~UInt16(sum) & 0xFF)
        return Frames.ethernet(dst: mac, type: 0x0800, Frames.ipv4(proto: 1, dst: address, icmp))
    }

    @Test func aBurstLargerThanOneReadinessIsAnsweredInFull() {
        let soft = SoftReadiness()
        let loop = RunLoop(platform: SoftPlatform(base: Idle(), soft: soft))
        let device = EdgeFrameDevice(mac: MACAddress(0x02, 0, 0, 0, 0, 0x0b))
        soft.watch(device, token: 1, readable: true, writable: false)
        let address = IPv4Address(192, 0, 2, 2)
        var configuration = NetStackConfiguration(mac: device.macAddress, mtu: 1500)
        configuration.address = address
        configuration.prefixLength = 24
        configuration.probing.probes = 0
        configuration.probing.announcements = 0
        let interface = NetInterface(
            device: device, stack: NetStack(configuration: configuration, seed: 1), loop: loop, soft: soft, deviceToken: 1)
        interface.start()
        for _ in 0..<5 { loop.turn() }
        // Host A's address, so the replies need no ARP round trip.
        device.push([Frames.ethernet(dst: device.macAddress, type: 0x0806, Frames.arp(operation: 1, targetIP: address))])
        for _ in 0..<5 { loop.turn() }
        device.sent.removeAll()
        let requests = (0..<600).map { Self.echoRequest(to: address, mac: device.macAddress, sequence: UInt16($0)) }
        device.push(requests)
        for _ in 0..<30 { loop.turn() }
        #expect(device.waiting.count == 0)
        let replies = device.sent.filter { $0.count > 34 && $0[12] == 0x08 && $0[13] == 0x00 && $0[23] == 1 && $0[34] == 0 }
        #expect(replies.count == 600)
    }
}
