import Controller
import OpenFlow
import Scheduler
import Switch
import Testing
import Wire

/// Our controller core (with its learning switch) and our switch agent, wired in
/// memory on a virtual clock: hosts on ports 1...3 send frames, the controller installs
/// flows, and later frames are forwarded by the datapath without the controller.
struct TwoPartyTests {
    struct Network {
        var controller: ControllerCore<LearningSwitch>
        var agent: SwitchAgent
        var now = Instant.zero
        /// Frames each host (by port) received.
        var delivered: [UInt16: [[UInt8]]] = [:]
        let connection = Controller.ConnectionID(1)
        let channel = ChannelID(1)

        init(bufferCount: Int) {
            var settings = DatapathSettings()
            settings.bufferCount = bufferCount
            settings.datapathID = 0x5157
            var datapath = Datapath(settings: settings)
            for n in UInt16(1)...3 { datapath.addPort(Fixture.port(n)) }
            var agentSettings = AgentSettings()
            agentSettings.controllers = ["in-memory"]
            agent = SwitchAgent(datapath: datapath, settings: agentSettings)
            controller = ControllerCore(app: LearningSwitch())
            let index = agent.nextConnectAttempt(now: now)
            #expect(index == 0)
            agent.connectionOpened(channel, role: .active(controller: 0), now: now)
            controller.connectionOpened(connection, now: now)
            run()
        }

        /// Moves bytes both ways until neither side has output.
        mutating func run() {
            for _ in 0..<1000 {
                var moved = false
                if agent.hasOutput(channel) {
                    var bytes: [UInt8] = []
                    agent.withOutput(channel) { unsent in
                        bytes = Array(unsent)
                        return unsent.count
                    }
                    controller.receive(connection, bytes[...], now: now)
                    moved = true
                }
                if controller.hasOutput(connection) {
                    var bytes: [UInt8] = []
                    controller.withOutput(connection) { unsent in
                        bytes = Array(unsent)
                        return unsent.count
                    }
                    agent.receive(channel, bytes[...], now: now)
                    deliver()
                    moved = true
                }
                if !moved { return }
            }
            Issue.record("the network did not settle")
        }

        /// A host on `port` sends `frame`.
        mutating func send(_ frame: [UInt8], from port: UInt16) {
            agent.receiveFrame(frame[...], inPort: PortNumber(port), now: now)
            deliver()
            run()
        }

        mutating func deliver() {
            for transmission in agent.transmissions {
                delivered[transmission.port.rawValue, default: []].append(Array(transmission.frame))
            }
        }

        mutating func advance(by interval: Interval) {
            let target = now + interval
            while let deadline = earliestDeadline, deadline <= target, deadline > now {
                now = deadline
                controller.tick(now: now)
                agent.tick(now: now)
                run()
            }
            now = target
            controller.tick(now: now)
            agent.tick(now: now)
            run()
        }

        var earliestDeadline: Instant? {
            switch (controller.nextDeadline, agent.nextDeadline) {
            case (let a?, let b?): min(a, b)
            case (let a?, nil): a
            case (nil, let b): b
            }
        }
    }

    @Test(arguments: [256, 0])
    func learningSwitchInstallsFlowsThatTheDatapathThenForwards(bufferCount: Int) throws {
        var network = Network(bufferCount: bufferCount)
        #expect(network.agent.isControllerConnected)
        #expect(network.controller.datapath(DatapathID(0x5157))?.ports.count == 3)
        #expect(network.agent.datapath.config.missSendLength == 128)  // the controller's SET_CONFIG

        let h1 = Packets.host(1)
        let h2 = Packets.host(2)
        let toH2 = Packets.udp(src: h1, dst: h2, payload: [UInt8](repeating: 1, count: 200))
        let toH1 = Packets.udp(src: h2, dst: h1, srcIP: Packets.ip(2), dstIP: Packets.ip(1), payload: [UInt8](repeating: 2, count: 200))

        // h1 -> h2: unknown, flooded by the controller (PACKET_OUT), whole despite the
        // 128-byte packet_in (buffered, or sent back whole by an unbuffered switch).
        network.send(toH2, from: 1)
        #expect(network.delivered[2] == [toH2])
        #expect(network.delivered[3] == [toH2])
        #expect(network.delivered[1] == nil)
        // h2 -> h1: h1 is known, so a flow is installed and the packet forwarded.
        network.send(toH1, from: 2)
        #expect(network.delivered[1] == [toH1])
        #expect(network.agent.datapath.flowCount == 1)
        // h1 -> h2 again: h2 is known now: a second flow.
        network.send(toH2, from: 1)
        #expect(network.delivered[2] == [toH2, toH2])
        #expect(network.delivered[3] == [toH2])
        #expect(network.agent.datapath.flowCount == 2)
        let packetIns = network.controller.counters.packetIns
        #expect(packetIns == 3)

        // From here the datapath forwards both ways alone.
        for _ in 0..<5 {
            network.send(toH2, from: 1)
            network.send(toH1, from: 2)
        }
        #expect(network.controller.counters.packetIns == packetIns)
        #expect(network.delivered[2]?.count == 7)
        #expect(network.delivered[1]?.count == 6)
        #expect(network.delivered[3]?.count == 1)
        let flows = network.agent.datapath.flowStats(FlowStatsRequest(), now: network.now)
        #expect(flows.allSatisfy { $0.priority == 0xFFFF && $0.idleTimeout == 60 })
        #expect(flows.map(\.packetCount).sorted() == [5, 5])
        #expect(network.agent.datapath.bufferedCount == 0)
        #expect(network.controller.counters.errorsReceived == 0)

        // Idle for a minute: the flows expire and the next packet asks again.
        network.advance(by: .seconds(61))
        #expect(network.agent.datapath.flowCount == 0)
        #expect(network.agent.isControllerConnected)  // echoes kept the channel up
        network.send(toH2, from: 1)
        #expect(network.controller.counters.packetIns == packetIns + 1)
        #expect(network.delivered[2]?.count == 8)
    }

    @Test func portDownThroughPortModReachesTheLearningSwitch() throws {
        var network = Network(bufferCount: 256)
        let h1 = Packets.host(1)
        let h2 = Packets.host(2)
        network.send(Packets.udp(src: h2, dst: h1), from: 2)
        network.send(Packets.udp(src: h1, dst: h2), from: 1)
        #expect(network.agent.datapath.flowCount == 1)
        // The port's link goes down: PORT_STATUS, and the app deletes flows out of it.
        network.agent.withDatapath { $0.setLinkDown(PortNumber(2), true) }
        network.run()
        #expect(network.agent.datapath.flowCount == 0)
        let port = network.controller.datapath(DatapathID(0x5157))?.port(PortNumber(2))
        #expect(port?.state.contains(.linkDown) == true)
    }
}
