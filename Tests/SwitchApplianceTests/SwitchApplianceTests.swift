import Devices
import OpenFlow
import Scheduler
import Switch
import SwitchAppliance
import Testing
import Wire

/// The switch appliance's loop on a virtual clock: two ports on in-memory wires, a
/// controller on an in-memory stream. Frames go in at the far end of a wire and come
/// out at the far end of another; OpenFlow goes through real bytes.
struct SwitchApplianceTests {
    /// The virtual time, shared by the platform and the wires (a wire reads the clock
    /// while the platform waits, so it cannot go through the loop).
    final class Clock {
        var now = Instant.zero
    }

    /// A platform with no I/O of its own: waiting jumps the clock to the deadline.
    struct VirtualClock: Platform {
        let clock: Clock
        func now() -> Instant { clock.now }
        mutating func wait(until deadline: Instant?, _ ready: (Readiness) -> Void) {
            if let deadline, deadline > clock.now { clock.now = deadline }
        }
    }

    typealias Appliance = SwitchAppliance<MemoryFrameDevice, MemoryListener, SoftPlatform<VirtualClock>>

    final class Harness {
        let soft = SoftReadiness()
        let clock = Clock()
        let loop: RunLoop<SoftPlatform<VirtualClock>>
        /// Port i is `wires[i].a` inside the switch; a test's host is `wires[i].b`.
        var wires: [MemoryWire] = []
        var appliance: Appliance!
        var records: [LogRecord] = []
        /// The controller's end of each connection the switch opened.
        var controllerEnds: [MemoryStream] = []
        var refuse = false
        var connectAttempts = 0

        init(ports: Int = 2, controllers: [String] = [], failMode: FailMode = .secure) throws {
            loop = RunLoop(platform: SoftPlatform(base: VirtualClock(clock: clock), soft: soft))
            let clock = clock
            var specs: [Appliance.PortSpec] = []
            for index in 0..<ports {
                let wire = MemoryWire(seed: UInt64(index), soft: soft) { clock.now }
                wires.append(wire)
                wire.a.watch(token: 100 + UInt64(index))
                wire.b.watch(token: 200 + UInt64(index))
                specs.append(Appliance.PortSpec(device: wire.a, token: 100 + UInt64(index), name: "vif" + String(index + 1)))
            }
            var agent = AgentSettings()
            agent.controllers = controllers
            agent.failMode = failMode
            appliance = try Appliance(
                loop: loop, datapath: DatapathSettings(), agent: agent, ports: specs, listener: nil,
                connect: { [unowned self] _ throws(StreamError) -> MemoryStream in
                    connectAttempts += 1
                    if refuse { throw StreamError(.connect, code: 111, description: "connect: refused") }
                    let (ours, theirs) = MemoryStream.pair(soft: soft)
                    controllerEnds.append(theirs)
                    return ours
                },
                log: { [unowned self] in records.append($0) })
        }

        func turns(_ count: Int = 5) {
            for _ in 0..<count { appliance.turn() }
        }

        /// Turns until the virtual clock has moved on by `interval`.
        func run(for interval: Interval) {
            let end = clock.now + interval
            while clock.now < end { appliance.turn() }
        }

        /// A frame from the host on port `index`'s wire into the switch.
        func send(_ frame: [UInt8], port index: Int) {
            let b = wires[index].b
            var batch = FrameBatch(capacity: 1, slotSize: 2048)
            _ = frame.withUnsafeBytes { batch.append($0) }
            _ = try? b.transmit(&batch)
        }

        /// Frames that came out of the switch on port `index`.
        func received(port index: Int) -> [[UInt8]] {
            var batch = FrameBatch(capacity: 32, slotSize: 2048)
            _ = try? wires[index].b.receive(into: &batch)
            return batch.frames.map { Array(batch.storage[$0]) }
        }

        /// Everything the switch sent on a controller connection, decoded.
        func messages(from stream: MemoryStream) throws -> [OpenFlowMessage] {
            var framer = Framer()
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while case .bytes(let count) = try buffer.withUnsafeMutableBytes({ bytes throws(StreamError) in try stream.read(into: bytes) }) {
                framer.append(buffer[..<count])
            }
            var messages: [OpenFlowMessage] = []
            while let bytes = try framer.next() { messages.append(try OpenFlowMessage.decode(bytes)) }
            return messages
        }

        func say(_ message: OpenFlowMessage, on stream: MemoryStream) throws {
            let bytes = try message.encoded()
            let written = try bytes.withUnsafeBytes { bytes throws(StreamError) in try stream.write(from: bytes) }
            #expect(written == bytes.count)
        }
    }

    static func frame(from source: UInt8, to destination: UInt8) -> [UInt8] {
        var frame = [UInt8](repeating: 0, count: 60)
        frame[0...5] = [2, 0, 0, 0, 0, destination]
        frame[6...11] = [2, 0, 0, 0, 0, source]
        frame[12] = 0x88
        frame[13] = 0xb5
        return frame
    }

    /// No controller, flows installed at boot: the switch works as a static middlebox.
    /// As in Open vSwitch with no controller configured, a miss takes the NORMAL path,
    /// so a firewall's list says what it drops.
    @Test func flowsInstalledAtBootForwardWithoutController() throws {
        let harness = try Harness()
        let flows = [
            "priority=10,in_port=1,actions=output:2",
            "priority=10,in_port=2,dl_dst=02:00:00:00:00:01,actions=drop",
        ]
        for text in flows {
            let flow = try FlowSyntax.parseFlow(text).flowMod(command: .add)
            let installed: Bool = harness.appliance.withDatapath { datapath in
                do throws(DatapathError) {
                    try datapath.flowMod(flow, now: .zero)
                    return true
                } catch { return false }
            }
            #expect(installed)
        }
        harness.send(Self.frame(from: 1, to: 2), port: 0)
        harness.send(Self.frame(from: 2, to: 1), port: 1)
        harness.turns()
        #expect(harness.received(port: 1) == [Self.frame(from: 1, to: 2)])
        #expect(harness.received(port: 0).isEmpty)
        // A miss: NORMAL floods it.
        harness.send(Self.frame(from: 2, to: 3), port: 1)
        harness.turns()
        #expect(harness.received(port: 0) == [Self.frame(from: 2, to: 3)])
        #expect(harness.appliance.agent.datapath.flowCount == 2)
    }

    /// Fail standalone with no controller: a learning switch.
    @Test func standaloneLearns() throws {
        let harness = try Harness(ports: 3, failMode: .standalone)
        harness.send(Self.frame(from: 1, to: 2), port: 0)
        harness.turns()
        #expect(harness.received(port: 1).count == 1)
        #expect(harness.received(port: 2).count == 1)
        harness.send(Self.frame(from: 2, to: 1), port: 1)
        harness.turns()
        #expect(harness.received(port: 0).count == 1)
        #expect(harness.received(port: 2).isEmpty)
    }

    /// The connection to the controller: HELLO, FEATURES with the ports' MACs and names,
    /// a PACKET_IN for a table miss, and a PACKET_OUT that leaves by port 2.
    @Test func controllerHandshakePacketInAndOut() throws {
        let harness = try Harness(controllers: ["tcp:10.0.9.1:6653"])
        harness.turns()
        #expect(harness.controllerEnds.count == 1)
        let controller = harness.controllerEnds[0]
        #expect(try harness.messages(from: controller).map(\.type) == [.hello])
        try harness.say(OpenFlowMessage(xid: 1, .hello(Hello())), on: controller)
        try harness.say(OpenFlowMessage(xid: 2, .featuresRequest), on: controller)
        harness.turns()
        let replies = try harness.messages(from: controller)
        guard case .featuresReply(let features)? = replies.last?.message else {
            Issue.record("no FEATURES_REPLY: \(replies.map(\.type))")
            return
        }
        #expect(features.ports.map(\.name) == ["vif1", "vif2"])
        #expect(features.ports[0].hardwareAddress == harness.wires[0].a.macAddress)
        #expect(harness.records.contains { $0.message == "connected to tcp:10.0.9.1:6653" })

        harness.send(Self.frame(from: 1, to: 2), port: 0)
        harness.turns()
        let packetIns = try harness.messages(from: controller).compactMap { message -> PacketIn? in
            if case .packetIn(let packetIn) = message.message { return packetIn }
            return nil
        }
        #expect(packetIns.count == 1)
        #expect(packetIns.first?.inPort == PortNumber(1))

        let out = PacketOut(inPort: PortNumber(1), actions: [.output(port: PortNumber(2))],
                            data: Self.frame(from: 1, to: 2)[...])
        try harness.say(OpenFlowMessage(xid: 3, .packetOut(out)), on: controller)
        harness.turns()
        #expect(harness.received(port: 1) == [Self.frame(from: 1, to: 2)])
    }

    /// A controller that cannot be reached: said once, retried with backoff, and the
    /// switch connects when it comes back.
    @Test func unreachableControllerIsRetried() throws {
        let harness = try Harness(controllers: ["tcp:10.0.9.1:6653"])
        harness.refuse = true
        harness.run(for: .seconds(20))
        #expect(harness.connectAttempts >= 3)
        let warnings = harness.records.filter { $0.level == .warning && $0.message.hasPrefix("controller ") }.map(\.message)
        #expect(warnings == ["controller tcp:10.0.9.1:6653: connect: refused; retrying with backoff"])
        harness.refuse = false
        harness.run(for: .seconds(9))
        #expect(harness.controllerEnds.count == 1)
    }

    /// A controller that closes its connection: the switch notices and connects again.
    @Test func reconnectsAfterControllerCloses() throws {
        let harness = try Harness(controllers: ["tcp:10.0.9.1:6653"])
        harness.turns()
        harness.controllerEnds[0].close()
        harness.run(for: .seconds(3))
        #expect(harness.controllerEnds.count == 2)
        #expect(harness.records.contains { $0.message.hasSuffix("closed by peer") })
    }

    /// A port whose link goes down is reported down in its description.
    @Test func linkStateIsPolled() throws {
        let harness = try Harness()
        harness.wires[1].a.linkUp = false
        harness.turns(10)
        let down = harness.appliance.agent.datapath.port(PortNumber(2))?.description.state.contains(.linkDown)
        #expect(down == true)
    }

    /// `shutdown` closes the controller connection and drops the loop's handlers.
    @Test func shutdownClosesConnections() throws {
        let harness = try Harness(controllers: ["tcp:10.0.9.1:6653"])
        harness.turns()
        harness.appliance.stop()
        harness.appliance.run()
        var buffer = [UInt8](repeating: 0, count: 64)
        var last: StreamRead
        repeat {
            last = try buffer.withUnsafeMutableBytes { bytes throws(StreamError) in try harness.controllerEnds[0].read(into: bytes) }
        } while last != .closed && last != .wouldBlock
        #expect(last == .closed)
    }
}
