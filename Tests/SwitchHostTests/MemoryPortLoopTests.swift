import OpenFlow
import Switch
import SwitchHost
import TestSupport
import Testing
import Wire

/// The switch loop end to end with in-memory ports: frames in and out of the peers,
/// OpenFlow over loopback TCP, no interfaces and no privileges.
@Suite(.serialized) struct MemoryPortLoopTests {
    let broadcast = MACAddress.broadcast

    @Test func withNoControllerMissesTakeTheLearningPath() throws {
        let harness = try LoopHarness(ports: 3)
        harness.start()
        defer { harness.finish() }
        let arp = Frames.ethernet(dst: broadcast, src: Frames.hostA, type: 0x0806, Array(repeating: 1, count: 46))
        harness.peers[0].send(arp)
        #expect(harness.peers[1].receive() == arp)
        #expect(harness.peers[2].receive() == arp)
        // hostB answers hostA: learned on port 1, so only port 1 sees it.
        let reply = Frames.ethernet(dst: Frames.hostA, src: Frames.hostB, type: 0x0806, Array(repeating: 2, count: 46))
        harness.peers[1].send(reply)
        #expect(harness.peers[0].receive() == reply)
        #expect(harness.peers[2].receive(milliseconds: 200) == nil)
    }

    @Test func serviceConnectionInstallsFlowsAndSeesPorts() throws {
        let harness = try LoopHarness(ports: 2)
        harness.start()
        defer { harness.finish() }
        let peer = try OpenFlowPeer(connectingTo: try #require(harness.loop.listenPort))
        try peer.send(.hello(Hello()))
        try peer.send(.featuresRequest, xid: 2)
        let reply = try #require(try peer.receive(.featuresReply))
        guard case .featuresReply(let features) = reply.message else { Issue.record("not a features reply"); return }
        #expect(features.ports.map(\.name) == ["mem1", "mem2"])
        #expect(features.ports.map(\.portNumber) == [PortNumber(1), PortNumber(2)])
        #expect(features.ports[1].hardwareAddress == MACAddress(0x02, 0, 0, 0, 0, 2))

        // A flow that drops everything from port 1, confirmed by a barrier.
        var drop = FlowMod(match: Match(wildcards: Wildcards.all.subtracting(.inPort), inPort: PortNumber(1)), command: .add)
        drop.priority = 100
        try peer.send(.flowMod(drop), xid: 3)
        try peer.send(.barrierRequest, xid: 4)
        #expect(try peer.receive(.barrierReply)?.xid == 4)
        harness.peers[0].send(Frames.ethernet(dst: broadcast, type: 0x0800, Array(repeating: 0, count: 46)))
        #expect(harness.peers[1].receive(milliseconds: 300) == nil)
        // The other direction still takes the learning path.
        let frame = Frames.ethernet(dst: broadcast, src: Frames.hostB, type: 0x0800, Array(repeating: 0, count: 46))
        harness.peers[1].send(frame)
        #expect(harness.peers[0].receive() == frame)

        // PACKET_OUT from the service connection goes out of the port it names.
        let injected = Frames.ethernet(dst: Frames.hostB, src: Frames.hostA, type: 0x88B5, Array(repeating: 7, count: 46))
        try peer.send(.packetOut(PacketOut(actions: [.output(port: PortNumber(2))], data: injected[...])), xid: 5)
        #expect(harness.peers[1].receive() == injected)
    }

    @Test func connectsToTheControllerAndSendsPacketIns() throws {
        let listener = try ListeningSocket()
        let harness = try LoopHarness(ports: 2, controllers: [Endpoint(kind: .active, host: "127.0.0.1", port: listener.port)], listen: false)
        harness.start()
        defer { harness.finish() }
        let controller = try OpenFlowPeer(accepting: listener.fd)
        #expect(try controller.receive()?.type == .hello)
        try controller.send(.hello(Hello()))
        let frame = Frames.ethernet(dst: Frames.hostB, src: Frames.hostA, type: 0x0800, Array(repeating: 3, count: 46))
        harness.peers[0].send(frame)
        let packetIn = try #require(try controller.receive(.packetIn))
        guard case .packetIn(let body) = packetIn.message else { Issue.record("not a packet_in"); return }
        #expect(body.inPort == PortNumber(1))
        #expect(Array(body.data) == frame)
        // The controller answers with the buffer: out of port 2.
        try controller.send(.packetOut(PacketOut(bufferID: body.bufferID, inPort: PortNumber(1), actions: [.output(port: PortNumber(2))], data: [])), xid: 9)
        #expect(harness.peers[1].receive() == frame)
    }

    @Test func failSecureDropsMissesUntilTheControllerIsUp() throws {
        let listener = try ListeningSocket()
        let harness = try LoopHarness(ports: 2, controllers: [Endpoint(kind: .active, host: "127.0.0.1", port: listener.port)], listen: false)
        harness.start()
        defer { harness.finish() }
        harness.peers[0].send(Frames.ethernet(dst: broadcast, type: 0x0800, Array(repeating: 0, count: 46)))
        #expect(harness.peers[1].receive(milliseconds: 300) == nil)
    }
}
