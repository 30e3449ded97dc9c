import Controller
import OpenFlow
import Testing
import Wire

/// A template rewritten in place gives the bytes the encoder gives for the same flow, and
/// apps can send it as it is.
struct FlowModTemplateTests {
    private static func flow(_ match: Match, bufferID: UInt32, port: PortNumber?) -> FlowMod {
        FlowMod(
            match: match, command: .add, idleTimeout: 60, priority: 0x8000, bufferID: bufferID,
            actions: port.map { [.output(port: $0)] } ?? [])
    }

    @Test func rewrittenFieldsMatchTheEncoder() throws {
        var forward = try FlowModTemplate(Self.flow(Match(), bufferID: BufferID.none, port: PortNumber.none))
        var drop = try FlowModTemplate(Self.flow(Match(), bufferID: BufferID.none, port: nil))
        let frame = Frames.tcp(src: Frames.host(1), dst: Frames.host(2), srcIP: Frames.ip(1), dstIP: Frames.ip(2), dstPort: 80)
        for (bufferID, port) in [(UInt32(7), PortNumber(3)), (BufferID.none, PortNumber.local), (0x1234_5678, PortNumber(0xff00))] {
            let match = Match(layout: FrameLayout(frame: frame[...]), inPort: PortNumber(1))
            forward.setMatch(match)
            forward.setBufferID(bufferID)
            forward.setOutputPort(port)
            #expect(forward.bytes == (try OpenFlowMessage(xid: 0, .flowMod(Self.flow(match, bufferID: bufferID, port: port))).encoded()))
            drop.setMatch(match)
            drop.setBufferID(bufferID)
            #expect(drop.bytes == (try OpenFlowMessage(xid: 0, .flowMod(Self.flow(match, bufferID: bufferID, port: nil))).encoded()))
        }
    }

    /// `send(encoded:)` takes one whole OpenFlow 1.0 message, gives it a fresh xid and
    /// counts it; anything else is refused.
    @Test func appsSendEncodedMessages() throws {
        let template = try FlowModTemplate(Self.flow(Match(), bufferID: BufferID.none, port: PortNumber(2)))
        var sim = Simulation(SendEncoded(message: template.bytes))
        let id = sim.connect(FakeSwitch(datapathID: 1))
        #expect(sim.core.app.results.count == 1)
        #expect(sim.core.app.results[0] != nil && sim.core.app.results[0] != 0)
        #expect(sim.switches[id]!.flowMods.map(\.actions) == [[.output(port: PortNumber(2))]])
        #expect(sim.core.counters.flowMods == 1)

        var bad = SendEncoded(message: Array(template.bytes.dropLast()))
        var badSim = Simulation(bad)
        _ = badSim.connect(FakeSwitch(datapathID: 1))
        bad = badSim.core.app
        #expect(bad.results == [nil])
        var wrongVersion = template.bytes
        wrongVersion[0] = 4
        var versionSim = Simulation(SendEncoded(message: wrongVersion))
        _ = versionSim.connect(FakeSwitch(datapathID: 1))
        #expect(versionSim.core.app.results == [nil])
    }
}

/// Sends its bytes to each datapath that comes up and keeps what `send` returned.
private struct SendEncoded: ControllerApp {
    var message: [UInt8]
    var results: [UInt32?] = []

    mutating func handle(_ event: ControllerEvent, _ context: inout AppContext) -> AppVerdict {
        if case .datapathUp(let datapath) = event { results.append(context.send(encoded: message, to: datapath.id)) }
        return .continue
    }
}
