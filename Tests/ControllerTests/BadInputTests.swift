import Controller
import OpenFlow
import Scheduler
import Testing
import Wire

/// A switch that sends garbage: each bad message gets the spec's OFPT_ERROR and the
/// session goes on; a stream that cannot be resynchronised closes only that switch;
/// a flood of packet_ins cannot grow the controller's memory.
struct BadInputTests {
    typealias Sim = Simulation<AppChain<Recorder, Hub>>

    static func upSwitch(_ sim: inout Sim, datapath: UInt64 = 1) -> ConnectionID {
        let id = sim.connect(FakeSwitch(datapathID: datapath))
        sim.withSwitch(id) { $0.forgetReceived() }
        return id
    }

    static func header(type: UInt8, length: Int, xid: UInt32, version: UInt8 = 1) -> [UInt8] {
        [version, type] + Frames.be16(UInt16(length)) + Frames.be32(xid)
    }

    static let frame = Frames.ethernet(src: Frames.host(1), dst: Frames.host(2))

    /// After the bad message, the same connection still carries packet_ins to the apps.
    static func expectStillServing(_ sim: inout Sim, _ id: ConnectionID, sourceLocation: SourceLocation = #_sourceLocation) {
        let before = sim.switches[id]!.packetOuts.count
        sim.withSwitch(id) { $0.sendPacketIn(frame, inPort: 1) }
        sim.run()
        #expect(sim.switches[id]!.packetOuts.count == before + 1, sourceLocation: sourceLocation)
    }

    @Test func truncatedMessageGetsBadLength() throws {
        var sim = Sim(AppChain(Recorder(), Hub()))
        let id = Self.upSwitch(&sim)
        // A PACKET_IN whose header says 12 bytes: too short for its fixed part.
        let bad = Self.header(type: 10, length: 12, xid: 0x55, version: 1) + [0, 0, 0, 1]
        sim.withSwitch(id) { $0.sendRaw(bad) }
        sim.run()
        let reply = try #require(sim.switches[id]!.received.first)
        #expect(reply.xid == 0x55)
        #expect(reply.message == .error(ErrorMessage(code: .badLength, data: bad[...])))
        #expect(sim.core.counters.errorsSent == 1)
        Self.expectStillServing(&sim, id)
    }

    @Test func oversizedMessageGetsBadLength() {
        var sim = Sim(AppChain(Recorder(), Hub()))
        let id = Self.upSwitch(&sim)
        // A BARRIER_REPLY (header only) carrying 8 extra bytes.
        sim.withSwitch(id) { $0.sendRaw(Self.header(type: 19, length: 16, xid: 3) + [UInt8](repeating: 0, count: 8)) }
        sim.run()
        #expect(sim.switches[id]!.errors.map(\.code) == [.badLength])
        #expect(sim.core.app.first.seen.count == 1)  // only datapath up: the barrier reply was rejected
        Self.expectStillServing(&sim, id)
    }

    /// An unknown type: OFPBRC_BAD_TYPE with the message's first 64 bytes.
    @Test func unknownTypeGetsBadTypeWithTheFirst64Bytes() {
        var sim = Sim(AppChain(Recorder(), Hub()))
        let id = Self.upSwitch(&sim)
        let bad = Self.header(type: 0x30, length: 100, xid: 0x77) + [UInt8](repeating: 0xEE, count: 92)
        sim.withSwitch(id) { $0.sendRaw(bad) }
        sim.run()
        let errors = sim.switches[id]!.errors
        #expect(errors.map(\.code) == [.badType])
        #expect(errors.first?.data == bad.prefix(64))
        Self.expectStillServing(&sim, id)
    }

    @Test func wrongVersionGetsBadVersion() {
        var sim = Sim(AppChain(Recorder(), Hub()))
        let id = Self.upSwitch(&sim)
        sim.withSwitch(id) { $0.send(.barrierReply, xid: 9, version: 4) }
        sim.run()
        #expect(sim.switches[id]!.errors.map(\.code) == [.badVersion])
        #expect(sim.switches[id]!.received.first?.xid == 9)
        Self.expectStillServing(&sim, id)
    }

    /// A switch sending a controller's message (FLOW_MOD) gets OFPBRC_BAD_TYPE.
    @Test func controllerToSwitchMessageGetsBadType() {
        var sim = Sim(AppChain(Recorder(), Hub()))
        let id = Self.upSwitch(&sim)
        sim.withSwitch(id) { $0.send(.flowMod(FlowMod(match: Match(), command: .add))) }
        sim.run()
        #expect(sim.switches[id]!.errors.map(\.code) == [.badType])
        Self.expectStillServing(&sim, id)
    }

    /// A malformed OFPT_ERROR is dropped, never answered with another error.
    @Test func malformedErrorIsNotAnswered() {
        var sim = Sim(AppChain(Recorder(), Hub()))
        let id = Self.upSwitch(&sim)
        sim.withSwitch(id) { $0.sendRaw(Self.header(type: 1, length: 10, xid: 1) + [0, 1]) }
        sim.run()
        #expect(sim.switches[id]!.received.isEmpty)
        #expect(sim.loggedAny(containing: "rejected OFPT_ERROR"))
        Self.expectStillServing(&sim, id)
    }

    @Test func vendorMessageNoAppHandlesGetsBadVendor() {
        var sim = Sim(AppChain(Recorder(), Hub()))
        let id = Self.upSwitch(&sim)
        sim.withSwitch(id) { $0.send(.vendor(VendorMessage(vendor: 0x2320, body: [1, 2])), xid: 4) }
        sim.run()
        #expect(sim.switches[id]!.errors.map(\.code) == [.badVendor])
        #expect(sim.core.app.first.seen.last == .message(DatapathID(1), .vendor))

        var consuming = Recorder()
        consuming.consumesMessages = true
        var quiet = Sim(AppChain(consuming, Hub()))
        let other = Self.upSwitch(&quiet)
        quiet.withSwitch(other) { $0.send(.vendor(VendorMessage(vendor: 0x2320, body: [1, 2]))) }
        quiet.run()
        #expect(quiet.switches[other]!.received.isEmpty)
    }

    /// The whole session, handshake included, fed one byte at a time, gives the same
    /// result as whole messages.
    @Test func messagesSplitByteByByte() {
        var sim = Sim(AppChain(Recorder(), Hub()))
        sim.segmentSize = 1
        let id = sim.connect(FakeSwitch(datapathID: 1))
        for port in 1...3 {
            sim.withSwitch(id) { $0.sendPacketIn(Self.frame, inPort: UInt16(port)) }
        }
        sim.withSwitch(id) { $0.sendRaw(Self.header(type: 0x30, length: 8, xid: 1)) }
        sim.run()
        #expect(sim.core.app.first.seen.count == 4)
        #expect(sim.switches[id]!.packetOuts.map(\.inPort) == [1, 2, 3].map { PortNumber($0) })
        #expect(sim.switches[id]!.errors.map(\.code) == [.badType])
    }

    /// A header length below 8 breaks the stream: that switch alone is disconnected,
    /// after a BAD_LEN error echoing the header.
    @Test func unresynchronisableStreamClosesOnlyThatSwitch() {
        var sim = Sim(AppChain(Recorder(), Hub()))
        let broken = Self.upSwitch(&sim, datapath: 1)
        let healthy = Self.upSwitch(&sim, datapath: 2)
        sim.withSwitch(broken) { $0.sendRaw(Self.header(type: 10, length: 4, xid: 77) + [1, 2, 3, 4]) }
        sim.run()
        #expect(sim.closedByCore == [broken])
        #expect(sim.switches[broken]!.errors.map(\.code) == [.badLength])
        #expect(sim.switches[broken]!.errors.first.map { Array($0.data) } == Self.header(type: 10, length: 4, xid: 77))
        #expect(sim.core.app.first.seen.last == .down(DatapathID(1)))
        #expect(sim.loggedAny(containing: "cannot be resynchronised"))
        Self.expectStillServing(&sim, healthy)
        #expect(sim.core.counters.switches == 1)
    }

    /// A switch that floods packet_ins and never reads: its output stops at the limit,
    /// the excess is dropped and counted, and the other switch is served as before.
    @Test func packetInFloodKeepsOutputBounded() {
        var settings = ControllerSettings()
        settings.outputHighWater = 4096
        settings.outputLimit = 16384
        var sim = Sim(AppChain(Recorder(), Hub()), settings: settings)
        let flooder = Self.upSwitch(&sim, datapath: 1)
        let other = Self.upSwitch(&sim, datapath: 2)
        sim.stalled.insert(flooder)
        for _ in 0..<10_000 {
            sim.withSwitch(flooder) { $0.sendPacketIn(Self.frame, inPort: 1) }
        }
        sim.run()
        #expect(sim.core.outputCount(flooder) <= settings.outputLimit)
        #expect(sim.core.outputCount(flooder) >= settings.outputHighWater)
        #expect(!sim.core.wantsInput(flooder))
        #expect(sim.core.counters.packetIns == 10_000)
        #expect(sim.core.counters.drops > 9_000)
        #expect(sim.core.counters.packetInsDropped > 9_000)
        #expect(sim.core.counters.packetInsDropped <= sim.core.counters.drops)
        Self.expectStillServing(&sim, other)

        sim.stalled.remove(flooder)
        sim.run()
        #expect(sim.core.wantsInput(flooder))
        Self.expectStillServing(&sim, flooder)
    }
}
