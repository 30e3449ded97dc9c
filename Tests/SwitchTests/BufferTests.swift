import OpenFlow
import Scheduler
import Switch
import Testing

/// Packets held for the controller: truncation, release, and the errors for bad ids.
struct BufferTests {
    let frame = Packets.udp(payload: [UInt8](repeating: 7, count: 300))

    /// A miss; returns its packet_in.
    func miss(_ dp: inout Datapath, now: Instant = .zero) throws -> PacketIn {
        #expect(dp.send(frame, inPort: 1, now: now).isEmpty)
        return try #require(dp.messages().last?.packetIn)
    }

    @Test func missIsBufferedAndTruncatedToMissSendLength() throws {
        var dp = Fixture.datapath()
        let packetIn = try miss(&dp)
        #expect(packetIn.reason == .noMatch)
        #expect(packetIn.bufferID != BufferID.none)
        #expect(packetIn.totalLength == UInt16(frame.count))
        #expect(Array(packetIn.data) == Array(frame.prefix(128)))
        #expect(dp.bufferedCount == 1)
        dp.setConfig(SwitchConfig(missSendLength: 64))
        #expect(try miss(&dp).data.count == 64)
        dp.setConfig(SwitchConfig(missSendLength: 0xFFFF))
        #expect(try miss(&dp).data.count == frame.count)
    }

    @Test func packetOutReleasesTheBuffer() throws {
        var dp = Fixture.datapath()
        let packetIn = try miss(&dp)
        dp.clearTransmissions()
        try dp.packetOut(PacketOut(bufferID: packetIn.bufferID, inPort: PortNumber(1), actions: [.output(port: PortNumber(3))]), now: .seconds(1))
        #expect(dp.sent == [Sent(port: 3, frame: frame)])
        #expect(dp.bufferedCount == 0)
        // Used once: the second time is BUFFER_EMPTY.
        #expect(throws: DatapathError(.bufferEmpty)) {
            try dp.packetOut(PacketOut(bufferID: packetIn.bufferID, actions: [.output(port: PortNumber(3))]), now: .seconds(1))
        }
    }

    @Test func flowModAppliesItsActionsToTheBufferedPacketAfterInstalling() throws {
        var dp = Fixture.datapath()
        let packetIn = try miss(&dp)
        dp.clearTransmissions()
        try dp.flowMod(Fixture.flow(Match(frame: frame[...], inPort: PortNumber(1)), actions: [.setTPDst(99), .output(port: PortNumber(2))], bufferID: packetIn.bufferID), now: .seconds(1))
        #expect(dp.flowCount == 1)
        #expect(dp.sent == [Sent(port: 2, frame: Packets.udp(dstPort: 99, payload: [UInt8](repeating: 7, count: 300)))])
        // The next packet of the flow needs no controller.
        #expect(dp.send(frame, inPort: 1).map(\.port) == [2])
        #expect(dp.messages().isEmpty)
    }

    @Test func unknownAndExpiredIDsAreBufferUnknown() throws {
        var dp = Fixture.datapath()
        #expect(throws: DatapathError(.bufferUnknown)) {
            try dp.packetOut(PacketOut(bufferID: 12345, actions: []), now: .zero)
        }
        let packetIn = try miss(&dp)
        #expect(dp.nextDeadline == .seconds(5))
        #expect(throws: DatapathError(.bufferUnknown)) {
            try dp.packetOut(PacketOut(bufferID: packetIn.bufferID, actions: []), now: .seconds(5))
        }
        let again = try miss(&dp, now: .seconds(6))
        dp.tick(now: .seconds(12))
        #expect(dp.bufferedCount == 0)
        #expect(throws: DatapathError(.bufferUnknown)) {
            try dp.packetOut(PacketOut(bufferID: again.bufferID, actions: []), now: .seconds(12))
        }
    }

    @Test func aFlowModWithABadBufferIsStillInstalled() throws {
        var dp = Fixture.datapath()
        #expect(throws: DatapathError(.bufferUnknown)) {
            try dp.flowMod(Fixture.flow(Fixture.match(inPort: 1), actions: [.output(port: PortNumber(2))], bufferID: 77), now: .zero)
        }
        #expect(dp.flowCount == 1)
    }

    @Test func aFullPoolSendsWholeUnbufferedPackets() throws {
        var settings = DatapathSettings()
        settings.bufferCount = 2
        var dp = Fixture.datapath(settings: settings)
        let first = try miss(&dp)
        let second = try miss(&dp)
        let third = try miss(&dp)
        #expect(first.bufferID != second.bufferID)
        #expect(third.bufferID == BufferID.none)
        #expect(third.data.count == frame.count)
        // Once the held ones expire, slots are reused with new ids.
        let later = try miss(&dp, now: .seconds(6))
        #expect(later.bufferID != BufferID.none)
        #expect(later.bufferID != first.bufferID && later.bufferID != second.bufferID)
        #expect(throws: DatapathError(.bufferUnknown)) {
            try dp.packetOut(PacketOut(bufferID: first.bufferID, actions: []), now: .seconds(6))
        }
    }

    @Test func withoutBuffersEveryPacketInIsWhole() throws {
        var settings = DatapathSettings()
        settings.bufferCount = 0
        var dp = Fixture.datapath(settings: settings)
        let packetIn = try miss(&dp)
        #expect(packetIn.bufferID == BufferID.none)
        #expect(Array(packetIn.data) == frame)
        #expect(dp.features.bufferCount == 0)
    }

    @Test func packetOutWithDataAndTable() throws {
        var dp = Fixture.datapath()
        try dp.install(Fixture.flow(Fixture.match(inPort: 2), actions: [.output(port: PortNumber(4))]))
        try dp.packetOut(PacketOut(inPort: PortNumber(2), actions: [.output(port: .table)], data: frame[...]), now: .zero)
        #expect(dp.sent.map(\.port) == [4])
        #expect(dp.flows()[0].packetCount == 1)
        dp.clearTransmissions()
        // A rewrite before TABLE is looked up; outputs after it resume the outer packet.
        try dp.packetOut(
            PacketOut(inPort: PortNumber(3), actions: [.setTPDst(99), .output(port: .table), .output(port: PortNumber(1))], data: frame[...]),
            now: .zero)
        #expect(dp.sent.map(\.port) == [1])
        #expect(dp.sent[0].frame == Packets.udp(dstPort: 99, payload: [UInt8](repeating: 7, count: 300)))
        let packetIn = try #require(dp.messages().last?.packetIn)  // TABLE missed for in_port 3
        #expect(packetIn.inPort == PortNumber(3))
        #expect(packetIn.reason == .noMatch)
        // PACKET_OUT validates its actions too.
        #expect(throws: DatapathError(.badOutPort)) {
            try dp.packetOut(PacketOut(actions: [.output(port: PortNumber(42))], data: frame[...]), now: .zero)
        }
    }
}
