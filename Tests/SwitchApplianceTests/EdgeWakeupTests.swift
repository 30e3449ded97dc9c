import Devices
import OpenFlow
import Scheduler
import Switch
import SwitchAppliance
import Testing
import TestSupport
import Wire

/// A port whose wake-ups are edges, as Xen netfront's are (`EdgeFrameDevice`): the
/// appliance must still read every frame when more arrive at once than one readiness's
/// budget.
struct EdgeWakeupTests {
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
        let inside = EdgeFrameDevice(mac: MACAddress(rawValue: 0x02_00_00_00_00_01))
        let outside = EdgeFrameDevice(mac: MACAddress(rawValue: 0x02_00_00_00_00_02))
        soft.watch(inside, token: 1, readable: true, writable: false)
        soft.watch(outside, token: 2, readable: true, writable: false)
        var options = SwitchAppliance<EdgeFrameDevice, MemoryListener, SoftPlatform<Idle>>.Options()
        options.framesPerReadiness = 64
        let appliance = try SwitchAppliance<EdgeFrameDevice, MemoryListener, SoftPlatform<Idle>>(
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
