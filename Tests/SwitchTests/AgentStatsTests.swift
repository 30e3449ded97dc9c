import OpenFlow
import Scheduler
import Switch
import Testing

/// Every stats type through the agent, and REPLY_MORE splitting.
struct AgentStatsTests {
    func stats(_ harness: inout AgentHarness, _ id: ChannelID, _ body: StatsRequest.Body) -> [StatsReply] {
        harness.request(id, .statsRequest(StatsRequest(body))).compactMap(\.statsReply)
    }

    @Test func descNamesTheSwitch() {
        var settings = DatapathSettings()
        settings.datapathID = 0x42
        var harness = AgentHarness(datapath: settings)
        let id = harness.open(1)
        let reply = stats(&harness, id, .desc)
        guard case .desc(let desc) = reply.first?.body else {
            Issue.record("no desc")
            return
        }
        #expect(desc.manufacturer == "SwiftOpenFlow")
        #expect(desc.datapath == "dpid 0000000000000042")
        #expect(reply.first?.flags == [])
    }

    @Test func flowAndAggregateStatsSelectByMatchTableAndOutPort() throws {
        var harness = AgentHarness(ports: 3)
        let id = harness.open(1)
        harness.send(id, .flowMod(Fixture.flow(Fixture.match(inPort: 1), actions: [.output(port: PortNumber(2))])))
        harness.send(id, .flowMod(Fixture.flow(Fixture.match(inPort: 2), actions: [.output(port: PortNumber(3))])))
        harness.send(id, .flowMod(Fixture.flow(Match(), actions: [.output(port: PortNumber(2))], flags: .emergency)))
        _ = harness.frame(Packets.udp(), inPort: 1)
        _ = harness.frame(Packets.udp(), inPort: 1)
        #expect(harness.take(id).isEmpty)

        guard case .flow(let all) = stats(&harness, id, .flow(FlowStatsRequest())).first?.body else {
            Issue.record("no flow stats")
            return
        }
        // 0xff means the flow table: the emergency flow shows only when 0xfe is named.
        #expect(all.count == 2)
        #expect(!all.contains { $0.tableID == 0xFE })
        guard case .flow(let emergency) = stats(&harness, id, .flow(FlowStatsRequest(tableID: 0xFE))).first?.body else {
            Issue.record("no flow stats")
            return
        }
        #expect(emergency.count == 1 && emergency[0].tableID == 0xFE)
        let allAggregate = stats(&harness, id, .aggregate(FlowStatsRequest()))
        #expect(allAggregate.first?.body == .aggregate(AggregateStats(packetCount: 2, byteCount: UInt64(2 * Packets.udp().count), flowCount: 2)))
        guard case .flow(let toPort2) = stats(&harness, id, .flow(FlowStatsRequest(tableID: 0, outPort: PortNumber(2)))).first?.body else {
            Issue.record("no flow stats")
            return
        }
        #expect(toPort2.count == 1)
        #expect(toPort2[0].packetCount == 2)
        #expect(toPort2[0].match.inPort == PortNumber(1))
        guard case .flow(let none) = stats(&harness, id, .flow(FlowStatsRequest(tableID: 7))).first?.body else {
            Issue.record("no flow stats")
            return
        }
        #expect(none.isEmpty)
        let aggregate = stats(&harness, id, .aggregate(FlowStatsRequest(tableID: 0)))
        #expect(aggregate.first?.body == .aggregate(AggregateStats(packetCount: 2, byteCount: UInt64(2 * Packets.udp().count), flowCount: 2)))
    }

    @Test func tablePortAndQueueStats() throws {
        var harness = AgentHarness(ports: 2, queues: [2: [PortQueue(queueID: 1), PortQueue(queueID: 2)]])
        let id = harness.open(1)
        harness.send(id, .flowMod(Fixture.flow(Fixture.match(inPort: 1), actions: [.enqueue(port: PortNumber(2), queueID: 2)])))
        _ = harness.frame(Packets.udp(), inPort: 1)
        _ = harness.frame(Packets.udp(), inPort: 2)
        guard case .table(let tables) = stats(&harness, id, .table).first?.body else {
            Issue.record("no table stats")
            return
        }
        #expect(tables == [TableStats(tableID: 0, name: "classifier", wildcards: .all, maxEntries: 65536, activeCount: 1, lookupCount: 2, matchedCount: 1)])
        guard case .port(let ports) = stats(&harness, id, .port(.none)).first?.body else {
            Issue.record("no port stats")
            return
        }
        #expect(ports.map(\.rxPackets) == [1, 1])
        // Port 2's frame missed; with no controller configured it took NORMAL, flooded to port 1.
        #expect(ports.map(\.txPackets) == [1, 1])
        guard case .queue(let queues) = stats(&harness, id, .queue(port: .all, queueID: QueueID.all)).first?.body else {
            Issue.record("no queue stats")
            return
        }
        #expect(queues.map(\.queueID) == [1, 2])
        #expect(queues.map(\.txPackets) == [0, 1])
        #expect(harness.request(id, .statsRequest(StatsRequest(.queue(port: PortNumber(9), queueID: QueueID.all)))).first?.error?.code == .queueBadPort)
        #expect(harness.request(id, .statsRequest(StatsRequest(.queue(port: PortNumber(2), queueID: 9)))).first?.error?.code == .queueBadQueue)
    }

    @Test func longAnswersAreSplitWithReplyMore() throws {
        var settings = AgentSettings()
        settings.maximumReplyLength = 1000
        var harness = AgentHarness(ports: 12, agent: settings)
        let id = harness.open(1)
        for port in 1...40 {
            harness.send(id, .flowMod(Fixture.flow(Fixture.match(tpDst: UInt16(port)), actions: [.output(port: PortNumber(1)), .setTPDst(9), .output(port: PortNumber(2))])))
        }
        let parts = harness.request(id, .statsRequest(StatsRequest(.flow(FlowStatsRequest()))), xid: 99)
        // 88 + 24 bytes of actions = 112 per flow; (1000 - 12) / 112 = 8 per reply.
        #expect(parts.count == 5)
        #expect(parts.allSatisfy { $0.xid == 99 && (try! $0.encoded().count) <= 1000 })
        #expect(parts.dropLast().allSatisfy { $0.statsReply?.flags == .replyMore })
        #expect(parts.last?.statsReply?.flags == [])
        var flows: [FlowStats] = []
        for part in parts { if case .flow(let entries) = part.statsReply?.body { flows += entries } }
        #expect(Set(flows.map(\.match.tpDst)) == Set((1...40).map { UInt16($0) }))
        // Ports: 104 bytes each, 9 per reply.
        let portParts = harness.request(id, .statsRequest(StatsRequest(.port(.none))))
        #expect(portParts.count == 2)
        #expect(portParts[0].statsReply?.flags == .replyMore)
        // An empty answer is one reply.
        let empty = harness.request(id, .statsRequest(StatsRequest(.flow(FlowStatsRequest(tableID: 3)))))
        #expect(empty.count == 1)
        #expect(empty[0].statsReply?.body == .flow([]))
    }

    @Test func theDefaultLimitKeepsRepliesUnder64KiB() throws {
        var harness = AgentHarness(ports: 2)
        let id = harness.open(1)
        for n in 0..<1000 {
            harness.send(id, .flowMod(Fixture.flow(Match(frame: Packets.udp(srcPort: UInt16(n))[...], inPort: PortNumber(1)), actions: [.output(port: PortNumber(2))])))
        }
        #expect(harness.take(id).isEmpty)
        let parts = harness.request(id, .statsRequest(StatsRequest(.flow(FlowStatsRequest()))))
        #expect(parts.count == 2)
        #expect(parts.allSatisfy { (try! $0.encoded().count) <= 65535 })
        var total = 0
        for part in parts { if case .flow(let entries) = part.statsReply?.body { total += entries.count } }
        #expect(total == 1000)
    }
}
