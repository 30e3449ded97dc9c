@testable import NetStack
import Scheduler
import TestSupport
import Testing
import Wire

/// RFC 9293 state transitions, each driven end to end between two layers.
@Suite struct TCPLifecycleTests {
    @Test func activeAndPassiveOpenCarryDataBothWays() {
        var sim = TCPSimulation()
        let (client, server) = sim.open()
        #expect(sim.a.state(client) == .established)
        #expect(sim.b.state(server) == .established)
        #expect(sim.write(.a, client, Array("hello".utf8)[...]) == 5)
        #expect(sim.write(.b, server, Array("world!".utf8)[...]) == 6)
        sim.run { $0.eventsA.contains(.readable(client)) && $0.eventsB.contains(.readable(server)) }
        #expect(sim.readAll(.b, server) == Array("hello".utf8))
        #expect(sim.readAll(.a, client) == Array("world!".utf8))
    }

    @Test func handshakeCarriesMSSAndWindowScale() {
        var limits = TCPLimits()
        limits.mss = 1400
        var sim = TCPSimulation(limits: limits)
        _ = sim.open()
        let syn = sim.sent[0]
        #expect(syn.has(TCPHeader.Flags.syn) && !syn.has(TCPHeader.Flags.ack))
        // MSS 1400, SACK-permitted, timestamps (TSecr 0 on the SYN), window scale 3
        // (256 KB buffer), as Linux lays them out: 20 bytes.
        let synTimestamp = TCPOptions(parsing: syn.header.options).timestamp!
        #expect(synTimestamp.echo == 0)
        #expect(Array(syn.header.options) == [2, 4, 0x05, 0x78, 4, 2, 8, 10] + Frames.be32(synTimestamp.value) + [0, 0, 0, 0, 1, 3, 3, 3])
        let synAck = sim.sent[1]
        #expect(synAck.has(TCPHeader.Flags.syn) && synAck.has(TCPHeader.Flags.ack))
        #expect(synAck.ack == syn.sequence &+ 1)
        // The SYN-ACK echoes the SYN's TSval.
        let synAckValue = TCPOptions(parsing: synAck.header.options).timestamp!.value
        #expect(
            Array(synAck.header.options)
                == [2, 4, 0x05, 0x78, 4, 2, 8, 10] + Frames.be32(synAckValue) + Frames.be32(synTimestamp.value) + [1, 3, 3, 3])
        // After the handshake windows are scaled: 256 KB >> 3.
        let ack = sim.sent[2]
        #expect(ack.header.window == UInt16(256 * 1024 >> 3))
    }

    @Test func peerWithoutWindowScaleGetsNoneBack() {
        var sim = TCPSimulation()
        _ = try! sim.b.listen(port: 80)
        let syn = TCPCraft.segment(
            from: TCPSimulation.addressA, to: TCPSimulation.addressB, sourcePort: 40000, destinationPort: 80,
            sequence: 1000, flags: TCPHeader.Flags.syn, options: [2, 4, 0x05, 0xB4])
        sim.inject(syn, to: .b)
        let synAck = sim.segments(from: .b).last!
        #expect(Array(synAck.header.options) == [2, 4, 0x05, 0xB4])
        #expect(synAck.ack == 1001)
    }

    @Test func simultaneousOpen() {
        var sim = TCPSimulation()
        let client = try! sim.a.connect(from: TCPSimulation.addressA, port: 5000, to: TCPSimulation.addressB, port: 6000, now: sim.now)
        let server = try! sim.b.connect(from: TCPSimulation.addressB, port: 6000, to: TCPSimulation.addressA, port: 5000, now: sim.now)
        sim.run(for: .seconds(5)) { $0.eventsA.contains(.connected(client)) && $0.eventsB.contains(.connected(server)) }
        #expect(sim.a.state(client) == .established)
        #expect(sim.b.state(server) == .established)
        // Both sent a SYN, then a SYN-ACK from the same ISS.
        let synAcks = sim.sent.filter { $0.has(TCPHeader.Flags.syn) && $0.has(TCPHeader.Flags.ack) }
        #expect(synAcks.count == 2)
        #expect(sim.write(.a, client, [1, 2, 3]) == 3)
        sim.run { $0.eventsB.contains(.readable(server)) }
        #expect(sim.readAll(.b, server) == [1, 2, 3])
    }

    @Test func activeCloseGoesThroughTimeWaitForTwoMSL() {
        var sim = TCPSimulation()
        let (client, server) = sim.open()
        sim.a.close(client)
        #expect(sim.a.state(client) == .finWait1)
        sim.run { $0.b.state(server) == .closeWait }
        #expect(sim.eventsB.contains(.peerClosed(server)))
        sim.run { $0.a.state(client) == .finWait2 }
        #expect(sim.readAll(.b, server).isEmpty)
        #expect(sim.b.isReadClosed(server))
        sim.b.close(server)
        #expect(sim.b.state(server) == .lastAck)
        sim.run { $0.a.state(client) == .timeWait }
        let enteredTimeWait = sim.now
        sim.run { $0.eventsB.contains(.closed(server, .normal)) }
        #expect(sim.b.state(server) == nil)
        #expect(sim.a.state(client) == .timeWait)
        #expect(sim.eventsA.contains(.closed(client, .normal)))
        sim.run { $0.a.state(client) == nil }
        #expect(sim.now - enteredTimeWait >= .seconds(60))
        #expect(sim.now - enteredTimeWait < .seconds(61))
    }

    @Test func timeWaitAcksARetransmittedFinWithTheLastWindow() throws {
        var sim = TCPSimulation()
        let (client, server) = sim.open()
        sim.a.close(client)
        sim.run { $0.b.state(server) == .closeWait }
        sim.b.close(server)
        sim.run { $0.a.state(client) == .timeWait && $0.b.state(server) == nil }
        let fin = try #require(sim.segments(from: .b).last { $0.has(TCPHeader.Flags.fin) })
        let lastAck = try #require(sim.segments(from: .a).last)
        #expect(lastAck.header.window > 0)
        let before = sim.segments(from: .a).count
        sim.inject(fin.bytes, to: .a)
        #expect(sim.segments(from: .a).count == before + 1, "TIME_WAIT answered the FIN")
        let again = try #require(sim.segments(from: .a).last)
        #expect(again.ack == lastAck.ack)
        #expect(again.header.window == lastAck.header.window, "not a zero window")
    }

    @Test func closedConnectionGivesUpOnAPeerThatNeverSendsFin() {
        var sim = TCPSimulation()
        let (client, server) = sim.open()
        sim.a.close(client)
        sim.run { $0.a.state(client) == .finWait2 }
        let start = sim.now
        sim.run(for: .seconds(120)) { $0.eventsA.contains(.closed(client, .timedOut)) }
        #expect(sim.now - start == .seconds(60))
        #expect(sim.a.state(client) == nil)
        #expect(sim.b.state(server) == .closeWait)
        // A half close (shutdownWrite only) waits as long as the peer keeps sending.
        var other = TCPSimulation()
        let (halfClient, _) = other.open()
        other.a.shutdownWrite(halfClient)
        other.advance(by: .seconds(300))
        #expect(other.a.state(halfClient) == .finWait2)
    }

    @Test func simultaneousCloseGoesThroughClosing() {
        var sim = TCPSimulation()
        let (client, server) = sim.open()
        sim.a.close(client)
        sim.b.close(server)
        sim.flush()
        #expect(sim.a.state(client) == .finWait1)
        #expect(sim.b.state(server) == .finWait1)
        var sawClosing = false
        sim.run {
            sawClosing = sawClosing || $0.a.state(client) == .closing
            return $0.a.state(client) == .timeWait && $0.b.state(server) == .timeWait
        }
        #expect(sawClosing)
        #expect(sim.eventsA.contains(.closed(client, .normal)))
        #expect(sim.eventsB.contains(.closed(server, .normal)))
        sim.advance(by: .seconds(61))
        #expect(sim.a.state(client) == nil && sim.b.state(server) == nil)
    }

    @Test func halfCloseKeepsTheOtherDirectionOpen() {
        var sim = TCPSimulation()
        let (client, server) = sim.open()
        sim.a.shutdownWrite(client)
        sim.run { $0.a.state(client) == .finWait2 }
        #expect(throws: TCPError.closedForWriting) { try [UInt8](repeating: 0, count: 1).withUnsafeBytes { try sim.a.send(client, $0) } }
        #expect(sim.write(.b, server, [9, 8, 7]) == 3)
        sim.run { $0.eventsA.contains(.readable(client)) }
        #expect(sim.readAll(.a, client) == [9, 8, 7])
        sim.b.close(server)
        sim.run { $0.a.state(client) == .timeWait }
        #expect(sim.a.isReadClosed(client) || sim.a.state(client) == .timeWait)
    }

    @Test func unreadDataAtCloseWaitsForTheRead() {
        var sim = TCPSimulation()
        let (client, server) = sim.open()
        _ = sim.write(.a, client, [1, 2, 3])
        sim.a.close(client)
        sim.run { $0.b.state(server) == .closeWait }
        sim.b.shutdownWrite(server)
        sim.run { $0.b.state(server) == .closed }
        // B's side is closed by protocol but the bytes are still there to read.
        #expect(!sim.eventsB.contains(.closed(server, .normal)))
        #expect(sim.readAll(.b, server) == [1, 2, 3])
        sim.flush()
        #expect(sim.eventsB.contains(.closed(server, .normal)))
    }

    @Test func closeWithUnreadDataResets() {
        var sim = TCPSimulation()
        let (client, server) = sim.open()
        _ = sim.write(.a, client, [1, 2, 3])
        sim.run { $0.eventsB.contains(.readable(server)) }
        sim.b.close(server)
        sim.flush()
        #expect(sim.eventsB.contains(.closed(server, .aborted)))
        sim.run { $0.eventsA.contains(.closed(client, .reset)) }
        #expect(sim.a.state(client) == nil)
    }

    @Test func connectToClosedPortIsRefused() {
        var sim = TCPSimulation()
        let client = try! sim.a.connect(from: TCPSimulation.addressA, to: TCPSimulation.addressB, port: 9, now: sim.now)
        sim.run { $0.eventsA.contains(.closed(client, .refused)) }
        let reset = sim.segments(from: .b).last!
        #expect(reset.has(TCPHeader.Flags.rst) && reset.has(TCPHeader.Flags.ack))
        #expect(reset.sequence == 0)
        #expect(reset.ack == sim.sent[0].sequence &+ 1)
        #expect(sim.a.state(client) == nil)
    }

    @Test func segmentToClosedPortWithAckGetsResetAtThatAck() {
        var sim = TCPSimulation()
        let stray = TCPCraft.segment(
            from: TCPSimulation.addressA, to: TCPSimulation.addressB, sourcePort: 1234, destinationPort: 4321,
            sequence: 77, ack: 0xDEAD_BEEF, flags: TCPHeader.Flags.ack, payload: [1, 2])
        sim.inject(stray, to: .b)
        let reset = sim.segments(from: .b).last!
        #expect(reset.flags == TCPHeader.Flags.rst)
        #expect(reset.sequence == 0xDEAD_BEEF)
        #expect(sim.b.counters.resetsSent == 1)
        // A RST is never answered.
        let count = sim.sent.count
        sim.inject(TCPCraft.segment(
            from: TCPSimulation.addressA, to: TCPSimulation.addressB, sourcePort: 1234, destinationPort: 4321,
            sequence: 77, flags: TCPHeader.Flags.rst), to: .b)
        #expect(sim.sent.count == count)
    }

    @Test func abortResetsThePeerInEachSynchronizedState() {
        for targetState in [TCPState.established, .finWait1, .finWait2, .closeWait, .lastAck, .closing] {
            var sim = TCPSimulation()
            let (client, server) = sim.open()
            // Bring the client (A) into the wanted state, then reset it from B's side.
            switch targetState {
            case .finWait1:
                sim.conditions.loss = 1
                sim.a.close(client)
                sim.flush()
            case .finWait2:
                sim.a.close(client)
                sim.run { $0.a.state(client) == .finWait2 }
            case .closeWait:
                sim.b.shutdownWrite(server)
                sim.run { $0.a.state(client) == .closeWait }
            case .lastAck:
                sim.b.shutdownWrite(server)
                sim.run { $0.a.state(client) == .closeWait }
                sim.conditions.loss = 1
                sim.a.close(client)
                sim.flush()
            case .closing:
                sim.conditions.loss = 1
                sim.a.close(client)
                sim.flush()
                let fin = sim.segments(from: .a).last!
                sim.conditions.loss = 0
                // The peer's FIN arrives before the ACK of ours.
                let tcb = sim.a.table.slots[Int(client.index)]
                sim.inject(TCPCraft.segment(
                    from: TCPSimulation.addressB, to: TCPSimulation.addressA, sourcePort: tcb.remotePort, destinationPort: tcb.localPort,
                    sequence: tcb.receiveNext.rawValue, ack: fin.sequence, flags: TCPHeader.Flags.fin | TCPHeader.Flags.ack), to: .a)
                sim.conditions.loss = 1
            default:
                break
            }
            #expect(sim.a.state(client) == targetState, "\(targetState)")
            let tcb = sim.a.table.slots[Int(client.index)]
            sim.conditions.loss = 0
            sim.inject(TCPCraft.segment(
                from: TCPSimulation.addressB, to: TCPSimulation.addressA, sourcePort: tcb.remotePort, destinationPort: tcb.localPort,
                sequence: tcb.receiveNext.rawValue, flags: TCPHeader.Flags.rst), to: .a)
            #expect(sim.a.state(client) == nil, "\(targetState)")
            #expect(sim.eventsA.contains(.closed(client, .reset)), "\(targetState)")
        }
    }

    @Test func resetInTimeWaitEndsIt() {
        var sim = TCPSimulation()
        let (client, server) = sim.open()
        sim.a.close(client)
        sim.run { $0.b.state(server) == .closeWait }
        sim.b.close(server)
        sim.run { $0.a.state(client) == .timeWait && $0.b.state(server) == nil }
        let tcb = sim.a.table.slots[Int(client.index)]
        sim.inject(TCPCraft.segment(
            from: TCPSimulation.addressB, to: TCPSimulation.addressA, sourcePort: tcb.remotePort, destinationPort: tcb.localPort,
            sequence: tcb.receiveNext.rawValue, flags: TCPHeader.Flags.rst), to: .a)
        #expect(sim.a.state(client) == nil)
    }

    @Test func resetOfHalfOpenPassiveConnectionFreesItQuietly() {
        var sim = TCPSimulation()
        var limits = TCPLimits()
        limits.synBacklog = 1
        sim = TCPSimulation(limits: limits)
        let listener = try! sim.b.listen(port: 80)
        sim.inject(TCPCraft.segment(
            from: TCPSimulation.addressA, to: TCPSimulation.addressB, sourcePort: 40000, destinationPort: 80,
            sequence: 1000, flags: TCPHeader.Flags.syn), to: .b)
        #expect(sim.b.listeners[0].halfOpen == 1)
        sim.inject(TCPCraft.segment(
            from: TCPSimulation.addressA, to: TCPSimulation.addressB, sourcePort: 40000, destinationPort: 80,
            sequence: 1001, flags: TCPHeader.Flags.rst), to: .b)
        #expect(sim.b.listeners[0].halfOpen == 0)
        #expect(sim.b.accept(listener) == nil)
        #expect(sim.eventsB.isEmpty)
    }

    @Test func stopListeningResetsUnacceptedConnections() {
        var sim = TCPSimulation()
        let listener = try! sim.b.listen(port: 80)
        let client = try! sim.a.connect(from: TCPSimulation.addressA, to: TCPSimulation.addressB, port: 80, now: sim.now)
        sim.run { $0.eventsB.contains(.acceptable(listener)) && $0.eventsA.contains(.connected(client)) }
        sim.b.stopListening(listener)
        sim.run { $0.eventsA.contains(.closed(client, .reset)) }
        #expect(throws: TCPError.portInUse) { _ = try sim.a.listen(port: 0) }
    }

    @Test func listenTwiceOnOnePortFails() {
        var layer = TCPLayer(seed: 1)
        _ = try! layer.listen(port: 22)
        #expect(throws: TCPError.portInUse) { _ = try layer.listen(port: 22) }
    }

    @Test func staleHandleIsRejected() {
        var sim = TCPSimulation()
        let (client, _) = sim.open()
        sim.a.abort(client)
        sim.flush()
        #expect(sim.eventsA.contains(.closed(client, .aborted)))
        #expect(throws: TCPError.invalidHandle) { try [UInt8](repeating: 0, count: 1).withUnsafeBytes { try sim.a.send(client, $0) } }
        #expect(sim.a.state(client) == nil)
    }

    @Test func unreachableEndsAConnectionStillOpening() {
        var sim = TCPSimulation()
        sim.conditions.loss = 1
        let client = try! sim.a.connect(from: TCPSimulation.addressA, to: TCPSimulation.addressB, port: 80, now: sim.now)
        sim.flush()
        let syn = sim.sent[0]
        sim.a.unreachable(
            source: TCPSimulation.addressA, destination: TCPSimulation.addressB, sourcePort: syn.header.sourcePort,
            destinationPort: 80, sequence: syn.sequence &+ 1, hard: true)
        sim.a.unreachable(
            source: TCPSimulation.addressA, destination: TCPSimulation.addressB, sourcePort: syn.header.sourcePort,
            destinationPort: 80, sequence: syn.sequence, hard: false)
        sim.flush()
        #expect(sim.a.counters.icmpIgnored == 1, "the first quoted a sequence number never sent")
        #expect(sim.a.state(client) == .synSent, "host unreachable is a soft error")
        sim.a.unreachable(
            source: TCPSimulation.addressA, destination: TCPSimulation.addressB, sourcePort: syn.header.sourcePort,
            destinationPort: 80, sequence: syn.sequence, hard: true)
        sim.flush()
        #expect(sim.eventsA.contains(.closed(client, .unreachable)))
    }
}
