import OpenFlow
import Scheduler
import Switch
import Testing
import Wire

/// FLOW_MOD commands and the table's lookup rules.
struct FlowTableTests {
    let h1 = Packets.host(1)
    let h2 = Packets.host(2)

    @Test func addedFlowForwardsAndCounts() throws {
        var dp = Fixture.datapath()
        try dp.install(Fixture.flow(Fixture.match(inPort: 1), actions: [.output(port: PortNumber(2))]))
        let frame = Packets.udp()
        #expect(dp.send(frame, inPort: 1) == [Sent(port: 2, frame: frame)])
        #expect(dp.send(frame, inPort: 3).isEmpty)  // a miss: up to the controller
        let flow = try #require(dp.flows().first)
        #expect(flow.packetCount == 1)
        #expect(flow.byteCount == UInt64(frame.count))
        #expect(dp.tableStats[0].lookupCount == 2)
        #expect(dp.tableStats[0].matchedCount == 1)
        #expect(dp.tableStats[0].activeCount == 1)
        #expect(dp.messages().compactMap(\.packetIn).count == 1)
    }

    @Test func higherPriorityWins() throws {
        var dp = Fixture.datapath()
        try dp.install(Fixture.flow(Match(), priority: 10, actions: [.output(port: PortNumber(2))]))
        try dp.install(Fixture.flow(Fixture.match(dlType: 0x0800), priority: 20, actions: [.output(port: PortNumber(3))]))
        try dp.install(Fixture.flow(Fixture.match(dlType: 0x0800, nwProto: 17), priority: 5, actions: [.output(port: PortNumber(4))]))
        #expect(dp.send(Packets.udp(), inPort: 1).map(\.port) == [3])
        #expect(dp.send(Packets.raw(src: h1, dst: h2), inPort: 1).map(\.port) == [2])
    }

    @Test func exactMatchOutranksEveryWildcardAndReportsPriority65535() throws {
        var dp = Fixture.datapath()
        let frame = Packets.udp()
        try dp.install(Fixture.flow(Match(), priority: 0xFFFF, actions: [.output(port: PortNumber(2))]))
        try dp.install(Fixture.flow(Match(frame: frame[...], inPort: PortNumber(1)), priority: 1, actions: [.output(port: PortNumber(3))]))
        #expect(dp.send(frame, inPort: 1).map(\.port) == [3])
        let exact = try #require(dp.flows().first { $0.match.wildcards == .exact })
        #expect(exact.priority == 0xFFFF)
        // A strict delete of the exact flow finds it whatever priority it names.
        try dp.install(Fixture.flow(Match(frame: frame[...], inPort: PortNumber(1)), priority: 7, actions: [], command: .deleteStrict))
        #expect(dp.flowCount == 1)
        #expect(dp.send(frame, inPort: 1).map(\.port) == [2])
    }

    @Test func addWithSameMatchAndPriorityReplacesAndResetsCounters() throws {
        var dp = Fixture.datapath()
        let match = Fixture.match(inPort: 1)
        try dp.install(Fixture.flow(match, actions: [.output(port: PortNumber(2))], cookie: 1))
        _ = dp.send(Packets.udp(), inPort: 1)
        #expect(dp.flows()[0].packetCount == 1)
        try dp.install(Fixture.flow(match, actions: [.output(port: PortNumber(3))], cookie: 2), now: .seconds(3))
        #expect(dp.flowCount == 1)
        let flow = dp.flows(now: .seconds(3))[0]
        #expect(flow.packetCount == 0)
        #expect(flow.cookie == 2)
        #expect(flow.durationSeconds == 0)
        #expect(dp.send(Packets.udp(), inPort: 1).map(\.port) == [3])
        // A different priority is a different flow.
        try dp.install(Fixture.flow(match, priority: 200, actions: [.output(port: PortNumber(4))]))
        #expect(dp.flowCount == 2)
    }

    @Test func checkOverlapRefusesAnOverlappingEntryOfTheSamePriority() throws {
        var dp = Fixture.datapath()
        try dp.install(Fixture.flow(Fixture.match(inPort: 1), actions: []))
        // Could match the same packet (in_port 1 and dl_type IP): refused.
        #expect(throws: DatapathError(.flowOverlap)) {
            try dp.install(Fixture.flow(Fixture.match(dlType: 0x0800), actions: [], flags: .checkOverlap))
        }
        // The identical match overlaps too.
        #expect(throws: DatapathError(.flowOverlap)) {
            try dp.install(Fixture.flow(Fixture.match(inPort: 1), actions: [], flags: .checkOverlap))
        }
        // Disjoint (in_port 2), or another priority: accepted.
        try dp.install(Fixture.flow(Fixture.match(inPort: 2, dlType: 0x0800), actions: [], flags: .checkOverlap))
        try dp.install(Fixture.flow(Fixture.match(dlType: 0x0800), priority: 101, actions: [], flags: .checkOverlap))
        // Prefixes overlap over the shorter one.
        try dp.install(Fixture.flow(Fixture.match(nwDst: (IPv4Address(10, 1, 0, 0), 16)), priority: 50, actions: []))
        #expect(throws: DatapathError(.flowOverlap)) {
            try dp.install(Fixture.flow(Fixture.match(nwDst: (IPv4Address(10, 1, 2, 0), 24)), priority: 50, actions: [], flags: .checkOverlap))
        }
        try dp.install(Fixture.flow(Fixture.match(nwDst: (IPv4Address(10, 2, 2, 0), 24)), priority: 50, actions: [], flags: .checkOverlap))
        #expect(dp.flowCount == 5)
    }

    @Test func modifyReplacesActionsAndKeepsCounters() throws {
        var dp = Fixture.datapath()
        try dp.install(Fixture.flow(Fixture.match(inPort: 1, dlType: 0x0800), actions: [.output(port: PortNumber(2))], cookie: 1))
        try dp.install(Fixture.flow(Fixture.match(inPort: 1, dlType: 0x0806), actions: [.output(port: PortNumber(2))]))
        try dp.install(Fixture.flow(Fixture.match(inPort: 2), actions: [.output(port: PortNumber(2))]))
        _ = dp.send(Packets.udp(), inPort: 1)
        // Non-strict: every flow with in_port 1, whatever else it matches or its priority.
        try dp.install(Fixture.flow(Fixture.match(inPort: 1), priority: 1, actions: [.output(port: PortNumber(3))], command: .modify, cookie: 9))
        #expect(dp.flowCount == 3)
        let flows = dp.flows()
        let modified = flows.filter { $0.match.inPort == PortNumber(1) }
        #expect(modified.count == 2)
        #expect(modified.allSatisfy { $0.actions == [.output(port: PortNumber(3))] && $0.cookie == 9 && $0.priority == 100 })
        #expect(modified.first { $0.match.dlType == 0x0800 }?.packetCount == 1)
        #expect(flows.first { $0.match.inPort == PortNumber(2) }?.actions == [.output(port: PortNumber(2))])
        #expect(dp.send(Packets.udp(), inPort: 1).map(\.port) == [3])
    }

    @Test func modifyStrictNeedsTheSameMatchAndPriority() throws {
        var dp = Fixture.datapath()
        let match = Fixture.match(inPort: 1, dlType: 0x0800)
        try dp.install(Fixture.flow(match, actions: [.output(port: PortNumber(2))]))
        _ = dp.send(Packets.udp(), inPort: 1)
        // A covering match is not the same match: nothing modified, so it is added.
        try dp.install(Fixture.flow(Fixture.match(inPort: 1), actions: [.output(port: PortNumber(4))], command: .modifyStrict))
        #expect(dp.flowCount == 2)
        try dp.install(Fixture.flow(match, actions: [.output(port: PortNumber(3))], command: .modifyStrict))
        #expect(dp.flowCount == 2)
        let flow = try #require(dp.flows().first { $0.match == match.canonicalForTests })
        #expect(flow.actions == [.output(port: PortNumber(3))])
        #expect(flow.packetCount == 1)
    }

    @Test func modifyWithNothingToModifyAdds() throws {
        var dp = Fixture.datapath()
        try dp.install(Fixture.flow(Fixture.match(inPort: 1), actions: [.output(port: PortNumber(2))], command: .modify, idle: 5))
        #expect(dp.flowCount == 1)
        #expect(dp.flows()[0].idleTimeout == 5)
        #expect(dp.send(Packets.udp(), inPort: 1).map(\.port) == [2])
    }

    @Test func deleteSelectsByCoverageAndOutPort() throws {
        var dp = Fixture.datapath()
        try dp.install(Fixture.flow(Fixture.match(inPort: 1, dlType: 0x0800), actions: [.output(port: PortNumber(2))]))
        try dp.install(Fixture.flow(Fixture.match(inPort: 1, dlType: 0x0806), actions: [.output(port: PortNumber(3))]))
        try dp.install(Fixture.flow(Fixture.match(inPort: 2), actions: [.output(port: PortNumber(3))]))
        try dp.install(Fixture.flow(Fixture.match(dlType: 0x0800), actions: [.output(port: PortNumber(2))]))
        // in_port=1, out_port=3: only the ARP flow.
        try dp.install(Fixture.flow(Fixture.match(inPort: 1), actions: [], command: .delete, outPort: PortNumber(3)))
        #expect(dp.flowCount == 3)
        #expect(!dp.flows().contains { $0.match.dlType == 0x0806 && $0.match.inPort == PortNumber(1) })
        // A delete whose match is more specific than a flow leaves it.
        try dp.install(Fixture.flow(Fixture.match(inPort: 1, dlType: 0x0800, nwProto: 6), actions: [], command: .delete))
        #expect(dp.flowCount == 3)
        // Match everything, out_port 2: the two flows to port 2.
        try dp.install(Fixture.flow(Match(), actions: [], command: .delete, outPort: PortNumber(2)))
        #expect(dp.flowCount == 1)
        try dp.install(Fixture.flow(Match(), actions: [], command: .delete))
        #expect(dp.flowCount == 0)
    }

    @Test func deleteStrictNeedsTheSameMatchPriorityAndHonoursOutPort() throws {
        var dp = Fixture.datapath()
        let match = Fixture.match(inPort: 1)
        try dp.install(Fixture.flow(match, priority: 100, actions: [.output(port: PortNumber(2))]))
        try dp.install(Fixture.flow(match, priority: 200, actions: [.output(port: PortNumber(2))]))
        try dp.install(Fixture.flow(Fixture.match(inPort: 1, dlType: 0x0800), priority: 100, actions: [.output(port: PortNumber(2))]))
        try dp.install(Fixture.flow(match, priority: 100, actions: [], command: .deleteStrict, outPort: PortNumber(3)))
        #expect(dp.flowCount == 3)
        try dp.install(Fixture.flow(match, priority: 100, actions: [], command: .deleteStrict, outPort: PortNumber(2)))
        #expect(dp.flowCount == 2)
        #expect(dp.flows().map(\.priority).sorted() == [100, 200])
        try dp.install(Fixture.flow(match, priority: 200, actions: [], command: .deleteStrict))
        #expect(dp.flowCount == 1)
    }

    @Test func deleteSendsFlowRemovedForFlowsThatAskedForIt() throws {
        var dp = Fixture.datapath()
        try dp.install(Fixture.flow(Fixture.match(inPort: 1), actions: [.output(port: PortNumber(2))], flags: .sendFlowRemoved, cookie: 7))
        try dp.install(Fixture.flow(Fixture.match(inPort: 2), actions: [.output(port: PortNumber(1))]))
        _ = dp.send(Packets.udp(), inPort: 1, now: .seconds(1))
        try dp.install(Fixture.flow(Match(), actions: [], command: .delete), now: .seconds(4))
        let removed = dp.messages().compactMap(\.flowRemoved)
        #expect(removed.count == 1)
        #expect(removed[0].reason == .delete)
        #expect(removed[0].cookie == 7)
        #expect(removed[0].packetCount == 1)
        #expect(removed[0].durationSeconds == 4)
        #expect(removed[0].match == Fixture.match(inPort: 1).canonicalForTests)
    }

    @Test func fullTableRefusesNewFlowsButNotReplacements() throws {
        var settings = DatapathSettings()
        settings.tableCapacity = 2
        var dp = Fixture.datapath(settings: settings)
        try dp.install(Fixture.flow(Fixture.match(inPort: 1), actions: []))
        try dp.install(Fixture.flow(Match(frame: Packets.udp()[...], inPort: PortNumber(1)), actions: []))
        #expect(throws: DatapathError(.allTablesFull)) {
            try dp.install(Fixture.flow(Fixture.match(inPort: 2), actions: []))
        }
        #expect(throws: DatapathError(.allTablesFull)) {
            try dp.install(Fixture.flow(Fixture.match(inPort: 2), actions: [], command: .modify))
        }
        try dp.install(Fixture.flow(Fixture.match(inPort: 1), actions: [.output(port: PortNumber(2))]))
        #expect(dp.flowCount == 2)
        #expect(dp.tableStats[0].maxEntries == 2)
    }

    @Test func emergencyFlowsNeedZeroTimeoutsAndServeOnlyInFailSecure() throws {
        var dp = Fixture.datapath()
        #expect(throws: DatapathError(.badEmergencyTimeout)) {
            try dp.install(Fixture.flow(Match(), actions: [.output(port: PortNumber(2))], idle: 10, flags: .emergency))
        }
        #expect(throws: DatapathError(.badEmergencyTimeout)) {
            try dp.install(Fixture.flow(Match(), actions: [.output(port: PortNumber(2))], hard: 10, flags: .emergency))
        }
        try dp.install(Fixture.flow(Match(), actions: [.output(port: PortNumber(2))], flags: .emergency))
        #expect(dp.flowCount == 0)
        #expect(dp.emergencyFlowCount == 1)
        // Connected: the emergency table is not used.
        #expect(dp.send(Packets.udp(), inPort: 1).isEmpty)
        dp.mode = .failSecure
        #expect(dp.send(Packets.udp(), inPort: 1).map(\.port) == [2])
        // A normal flow still comes first.
        try dp.install(Fixture.flow(Fixture.match(inPort: 1), actions: [.output(port: PortNumber(3))]))
        #expect(dp.send(Packets.udp(), inPort: 1).map(\.port) == [3])
        // Flow stats: table 0xfe is the emergency table.
        #expect(dp.flows(FlowStatsRequest(tableID: 0xFE)).count == 1)
        #expect(dp.flows(FlowStatsRequest(tableID: 0)).count == 1)
        #expect(dp.flows().count == 1)  // 0xff: the flow table only
        #expect(dp.tableStats.first?.activeCount == 1)
        // A DELETE of everything leaves the emergency flows alone; only one with EMERG
        // reaches them, and it acts on the emergency table only.
        try dp.install(Fixture.flow(Match(), actions: [], command: .delete))
        #expect(dp.flowCount == 0)
        #expect(dp.emergencyFlowCount == 1)
        try dp.install(Fixture.flow(Fixture.match(inPort: 1), actions: [.output(port: PortNumber(3))]))
        try dp.install(Fixture.flow(Match(), actions: [], command: .delete, flags: .emergency))
        #expect(dp.emergencyFlowCount == 0)
        #expect(dp.flowCount == 1)
    }

    @Test func invalidActionsAreRefusedBeforeAnythingChanges() throws {
        var dp = Fixture.datapath(queues: [2: [PortQueue(queueID: 1)]])
        let cases: [(Action, ErrorCode)] = [
            (.output(port: PortNumber(9)), .badOutPort),  // no such port
            (.output(port: .table), .badOutPort),  // TABLE only in PACKET_OUT
            (.output(port: .none), .badOutPort),
            (.output(port: PortNumber(0)), .badOutPort),
            (.output(port: PortNumber(0xFF01)), .badOutPort),
            (.enqueue(port: PortNumber(9), queueID: 1), .badOutPort),
            (.enqueue(port: PortNumber(2), queueID: 5), .badQueue),
            (.enqueue(port: PortNumber(3), queueID: 1), .badQueue),
            (.setVLANVID(0x1000), .badActionArgument),
            (.setVLANPCP(8), .badActionArgument),
            (.setNWTOS(0x03), .badActionArgument),
            (.vendor(vendor: 0x2320, body: [0, 1, 0, 0, 0, 0, 0, 0]), .badActionVendor),
        ]
        for (action, code) in cases {
            #expect(throws: DatapathError(code)) {
                try dp.install(Fixture.flow(Match(), actions: [.output(port: PortNumber(1)), action]))
            }
        }
        #expect(dp.flowCount == 0)
        // The valid ones.
        try dp.install(Fixture.flow(Match(), actions: [
            .output(port: .inPort), .output(port: .normal), .output(port: .flood), .output(port: .all),
            .output(port: .controller, maxLength: 64), .output(port: .local), .enqueue(port: PortNumber(2), queueID: 1),
            .enqueue(port: .inPort, queueID: 1),
        ]))
        #expect(dp.flowCount == 1)
    }

    @Test func wildcardFieldsBeyondTheSpecAreIgnored() throws {
        var dp = Fixture.datapath()
        var match = Fixture.match(inPort: 1)
        match.wildcards = Wildcards(rawValue: match.wildcards.rawValue | 0xFFC0_0000)
        match.dlSrc = Packets.host(9)  // wildcarded: ignored, reported as zero
        try dp.install(Fixture.flow(match, actions: [.output(port: PortNumber(2))]))
        let flow = dp.flows()[0]
        #expect(flow.match.wildcards == Fixture.match(inPort: 1).canonicalForTests.wildcards)
        #expect(flow.match.wildcards.nwSrcWildcardBits == 32)
        #expect(flow.match.dlSrc == .zero)
        #expect(dp.send(Packets.udp(), inPort: 1).map(\.port) == [2])
    }

    @Test func manyExactFlowsAreFoundAndRemoved() throws {
        var dp = Fixture.datapath()
        var frames: [[UInt8]] = []
        for i in 0..<2000 {
            let frame = Packets.udp(srcPort: UInt16(1000 + i))
            frames.append(frame)
            try dp.install(Fixture.flow(Match(frame: frame[...], inPort: PortNumber(1)), actions: [.output(port: PortNumber(UInt16(2 + i % 3)))]))
        }
        #expect(dp.flowCount == 2000)
        for (i, frame) in frames.enumerated() {
            #expect(dp.send(frame, inPort: 1).map(\.port) == [UInt16(2 + i % 3)])
        }
        // Remove every other one; the rest are still found.
        for (i, frame) in frames.enumerated() where i % 2 == 0 {
            try dp.install(Fixture.flow(Match(frame: frame[...], inPort: PortNumber(1)), actions: [], command: .deleteStrict))
        }
        #expect(dp.flowCount == 1000)
        for (i, frame) in frames.enumerated() {
            #expect(dp.send(frame, inPort: 1).map(\.port) == (i % 2 == 0 ? [] : [UInt16(2 + i % 3)]))
        }
    }
}

extension Match {
    /// The form the table reports: wildcarded fields zeroed.
    var canonicalForTests: Match {
        var m = self
        m.wildcards = Wildcards(rawValue: wildcards.rawValue & 0x3F_FFFF)
        return m.normalized
    }
}
