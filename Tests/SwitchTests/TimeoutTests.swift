import OpenFlow
import Scheduler
import Switch
import Testing

/// Idle and hard timeouts, driven by the instants passed in, and FLOW_REMOVED.
struct TimeoutTests {
    @Test func idleTimeoutRemovesAnUnusedFlow() throws {
        var dp = Fixture.datapath()
        try dp.install(Fixture.flow(Fixture.match(inPort: 1), actions: [.output(port: PortNumber(2))], idle: 10, flags: .sendFlowRemoved, cookie: 3))
        #expect(dp.nextDeadline == .seconds(10))
        _ = dp.send(Packets.udp(), inPort: 1, now: .seconds(6))
        dp.tick(now: .seconds(10))  // used at 6: lives until 16
        #expect(dp.flowCount == 1)
        #expect(dp.messages().isEmpty)
        #expect(dp.nextDeadline == .seconds(16))
        dp.tick(now: Instant(nanoseconds: 16_500_000_000))
        #expect(dp.flowCount == 0)
        let removed = try #require(dp.messages().first?.flowRemoved)
        #expect(removed.reason == .idleTimeout)
        #expect(removed.cookie == 3)
        #expect(removed.idleTimeout == 10)
        #expect(removed.packetCount == 1)
        #expect(removed.byteCount == UInt64(Packets.udp().count))
        #expect(removed.durationSeconds == 16)
        #expect(removed.durationNanoseconds == 500_000_000)
        #expect(removed.priority == 100)
        #expect(dp.nextDeadline == nil)
    }

    @Test func hardTimeoutRemovesAFlowInUse() throws {
        var dp = Fixture.datapath()
        try dp.install(Fixture.flow(Fixture.match(inPort: 1), actions: [.output(port: PortNumber(2))], idle: 5, hard: 8, flags: .sendFlowRemoved), now: .seconds(1))
        for second in 2...8 { _ = dp.send(Packets.udp(), inPort: 1, now: .seconds(UInt64(second))) }
        dp.tick(now: .seconds(8))
        #expect(dp.flowCount == 1)
        dp.tick(now: .seconds(9))
        #expect(dp.flowCount == 0)
        let removed = try #require(dp.messages().first?.flowRemoved)
        #expect(removed.reason == .hardTimeout)
        #expect(removed.durationSeconds == 8)
        #expect(removed.packetCount == 7)
    }

    @Test func bothDueReportsHardTimeout() throws {
        var dp = Fixture.datapath()
        try dp.install(Fixture.flow(Fixture.match(inPort: 1), actions: [], idle: 5, hard: 5, flags: .sendFlowRemoved))
        dp.tick(now: .seconds(20))
        #expect(dp.messages().first?.flowRemoved?.reason == .hardTimeout)
    }

    @Test func noFlowRemovedWithoutTheFlagOrWithoutAController() throws {
        var dp = Fixture.datapath()
        try dp.install(Fixture.flow(Fixture.match(inPort: 1), actions: [], idle: 1))
        try dp.install(Fixture.flow(Fixture.match(inPort: 2), actions: [], idle: 1, flags: .sendFlowRemoved))
        dp.mode = .failSecure
        dp.tick(now: .seconds(2))
        #expect(dp.flowCount == 0)
        #expect(dp.messages().isEmpty)
    }

    @Test func permanentFlowsStay() throws {
        var dp = Fixture.datapath()
        try dp.install(Fixture.flow(Fixture.match(inPort: 1), actions: []))
        #expect(dp.nextDeadline == nil)
        dp.tick(now: .seconds(1_000_000))
        #expect(dp.flowCount == 1)
    }

    @Test func flowStatsReportDurationAndTimeouts() throws {
        var dp = Fixture.datapath()
        try dp.install(Fixture.flow(Fixture.match(inPort: 1), actions: [], idle: 30, hard: 60, cookie: 0xABCD), now: .seconds(2))
        let flow = try #require(dp.flows(now: Instant(nanoseconds: 5_250_000_000)).first)
        #expect(flow.durationSeconds == 3)
        #expect(flow.durationNanoseconds == 250_000_000)
        #expect(flow.idleTimeout == 30)
        #expect(flow.hardTimeout == 60)
        #expect(flow.cookie == 0xABCD)
        #expect(flow.tableID == 0)
    }
}
