import Devices
import OpenFlow
import Scheduler
import Switch
import SwitchAppliance
import Testing
import Wire

/// A port whose wake-ups are edges, as Xen netfront's are: it is reported ready when
/// frames arrive, and a read consumes that, whether or not the frames were all taken. The appliance must still read them
/// all when more arrive at once than one readiness's budget.
struct EdgeWakeupTests {
    final class EdgeDevice: FrameDevice, ReadinessSource {
        let macAddress: MACAddress
        var mtu: Int { 1500 }
        var waiting: [[UInt8]] = []
        var sent: [[UInt8]] = []
        private var edge = false

        init(mac: UInt64) { macAddress = MACAddress(rawValue: mac) }

        func push(_ frames: [[UInt8]]) {
            waiting += frames
            edge = true
        }

        /// A read consumes the wake-up, whether or not it emptied the queue.
        func receive(into batch: inout FrameBatch) throws(DeviceError) -> Int {
            edge = false
            batch.reset()
            var taken = 0
            while taken < waiting.count, !batch.isFull {
                _ = waiting[taken].withUnsafeBytes { batch.append($0) }
                taken += 1
            }
            waiting.removeFirst(taken)
            return taken
        }

        func transmit(_ batch: inout FrameBatch) throws(DeviceError) -> Int {
            defer { batch.reset() }
            for frame in batch.frames { sent.append(Array(batch.storage[frame])) }
            return batch.frames.count
        }

        func isLinkUp() -> Bool { true }

        func currentReadiness() -> (readable: Bool, writable: Bool, closed: Bool) {
            (edge, false, false)
        }
    }

    struct Idle: Platform {
        var clock = Instant.zero
        func now() -> Instant { clock }
        mutating func wait(until deadline: Instant?, _ ready: (Readiness) -> Void) {
            if let deadline, deadline > clock { clock = deadline }
        }
    }

    @Test func aBurstLargerThanTheBudgetIsReadToTheEnd() throws {
        let soft = SoftReadiness()
        let loop = RunLoop(platform: SoftPlatform(base: Idle(), soft: soft))
        let inside = EdgeDevice(mac: 0x02_00_00_00_00_01)
        let outside = EdgeDevice(mac: 0x02_00_00_00_00_02)
        soft.watch(inside, token: 1, readable: true, writable: false)
        soft.watch(outside, token: 2, readable: true, writable: false)
        var options = SwitchAppliance<EdgeDevice, MemoryListener, SoftPlatform<Idle>>.Options()
        options.framesPerReadiness = 64
        let appliance = try SwitchAppliance<EdgeDevice, MemoryListener, SoftPlatform<Idle>>(
            loop: loop, datapath: DatapathSettings(), agent: AgentSettings(),
            ports: [.init(device: inside, token: 1, name: "p1"), .init(device: outside, token: 2, name: "p2")],
            listener: nil, options: options,
            connect: { _ throws(StreamError) -> MemoryStream in throw StreamError(.connect, code: 1, description: "none") },
            log: { _ in })
        let flow = try FlowSyntax.parseFlow("in_port=1,actions=output:2").flowMod(command: .add)
        let installed = appliance.withDatapath { datapath -> Bool in
            do throws(DatapathError) { try datapath.flowMod(flow, now: .zero) } catch { return false }
            return true
        }
        #expect(installed)
        var frame = [UInt8](repeating: 0, count: 60)
        frame[0] = 2
        frame[6] = 2
        inside.push(Array(repeating: frame, count: 500))
        for _ in 0..<20 { appliance.turn() }
        #expect(inside.waiting.count == 0)
        #expect(outside.sent.count == 500)
        appliance.shutdown()
    }
}
