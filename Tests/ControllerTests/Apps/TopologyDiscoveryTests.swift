import Controller
import OpenFlow
import Scheduler
import Testing
import Wire

/// Discovery on a simulated ring of four switches: links from LLDP, their ageing and
/// removal, and hosts at the edge.
struct TopologyDiscoveryTests {
    typealias App = AppChain<TopologyDiscovery, Recorder>

    static func link(_ a: UInt64, _ aPort: UInt16, _ b: UInt64, _ bPort: UInt16) -> Topology.Link {
        Topology.Link(
            source: PortLocation(DatapathID(a), PortNumber(aPort)), destination: PortLocation(DatapathID(b), PortNumber(bPort)))
    }

    /// Both directions of the four ring cables.
    static let ringLinks: [Topology.Link] = (1...UInt64(4)).flatMap { id -> [Topology.Link] in
        let next = id % 4 + 1
        return [link(id, 2, next, 3), link(next, 3, id, 2)]
    }.sorted()

    static func discovered() -> Ring<App> {
        var ring = Ring(App(TopologyDiscovery(), Recorder()))
        ring.propagate()
        return ring
    }

    static func topology(_ ring: Ring<App>) -> Topology { ring.sim.core.app.first.topology }

    @Test func probesEveryPortOnConnect() {
        let ring = Ring(App(TopologyDiscovery(), Recorder()))
        for id in 1...UInt64(4) {
            let packetOuts = ring.fake(id).packetOuts
            let probes = packetOuts.compactMap { try? LLDPFrame(parsing: $0.data) }.sorted { $0.port < $1.port }
            #expect(probes == (1...UInt16(3)).map { LLDPFrame(datapath: DatapathID(id), port: PortNumber($0)) })
            // Each out of the port it names.
            #expect(packetOuts.allSatisfy { (try? LLDPFrame(parsing: $0.data)).map { [.output(port: $0.port)] } == $0.actions })
        }
    }

    @Test func learnsTheRingsLinksAndConsumesLLDP() {
        let ring = Self.discovered()
        #expect(Self.topology(ring).links == Self.ringLinks)
        #expect(!ring.sim.core.app.second.seen.contains { if case .packetIn = $0 { true } else { false } })
        #expect(Self.topology(ring).switchList.map { $0.ports.count } == [3, 3, 3, 3])
    }

    @Test func linksLiveWhileProbedAndAgeOutWhenNot() {
        var ring = Self.discovered()
        ring.advance(by: .seconds(10))
        #expect(Self.topology(ring).links == Self.ringLinks)
        // The cables go dead: probes go out but none comes back. Seen last at 10 s, the
        // links live through 13 s and are gone at the 14 s tick.
        ring.sim.advance(by: .milliseconds(3500))
        #expect(Self.topology(ring).links == Self.ringLinks)
        ring.sim.advance(by: .milliseconds(500))
        #expect(Self.topology(ring).links.isEmpty)
    }

    @Test func portDownOrDeletedDropsItsLinks() {
        var ring = Self.discovered()
        ring.withSwitch(1) { $0.send(.portStatus(PortStatus(reason: .modify, port: FakeSwitch.port(2, state: .linkDown)))) }
        ring.sim.run()
        #expect(Self.topology(ring).links == Self.ringLinks.filter { $0 != Self.link(1, 2, 2, 3) && $0 != Self.link(2, 3, 1, 2) })
        ring.withSwitch(3) { $0.send(.portStatus(PortStatus(reason: .delete, port: FakeSwitch.port(3)))) }
        ring.sim.run()
        #expect(Self.topology(ring).linkCount == 4)
        #expect(Self.topology(ring).port(PortLocation(DatapathID(3), PortNumber(3))) == nil)
    }

    @Test func aPortThatComesUpIsProbed() {
        var ring = Self.discovered()
        ring.withSwitch(1) { $0.send(.portStatus(PortStatus(reason: .add, port: FakeSwitch.port(7)))) }
        ring.sim.run()
        #expect(ring.fake(1).packetOuts.compactMap { try? LLDPFrame(parsing: $0.data) } == [LLDPFrame(datapath: DatapathID(1), port: PortNumber(7))])
    }

    @Test func aSwitchThatLeavesTakesItsLinksAndHosts() {
        var ring = Self.discovered()
        ring.send(Frames.ethernet(src: Frames.host(2), dst: .broadcast), fromHost: 2)
        #expect(Self.topology(ring).host(Frames.host(2)) == PortLocation(DatapathID(2), PortNumber(1)))
        ring.sim.disconnect(ring.connections[2]!)
        #expect(Self.topology(ring).linkCount == 4)
        #expect(Self.topology(ring).hosts.isEmpty)
        #expect(Self.topology(ring).switchList.map(\.id) == [DatapathID(1), DatapathID(3), DatapathID(4)])
    }

    @Test func hostsAreLearnedAtTheEdgeOnly() {
        var ring = Self.discovered()
        ring.send(Frames.ethernet(src: Frames.host(1), dst: .broadcast), fromHost: 1)
        // The same MAC arriving over a cable is a copy, not the host.
        ring.withSwitch(2) { $0.sendPacketIn(Frames.ethernet(src: Frames.host(9), dst: .broadcast), inPort: 3) }
        ring.sim.run()
        #expect(Self.topology(ring).hosts == [Topology.Host(mac: Frames.host(1), location: PortLocation(DatapathID(1), PortNumber(1)))])
        // The packets go on to the next app.
        #expect(ring.sim.core.app.second.seen.filter { if case .packetIn = $0 { true } else { false } }.count == 2)
    }

    @Test func foreignLLDPIsConsumedAndCounted() {
        var ring = Self.discovered()
        var frame = Frames.ethernet(src: Frames.host(1), dst: LLDPFrame.destination, type: 0x88CC, payload: 10)
        ring.withSwitch(1) { $0.sendPacketIn(frame, inPort: 1) }
        frame[14] = 0xFF
        ring.withSwitch(1) { $0.sendPacketIn(frame, inPort: 1) }
        ring.sim.run()
        #expect(ring.sim.core.app.first.foreignLLDP == 2)
        #expect(Self.topology(ring).links == Self.ringLinks)
        #expect(!ring.sim.core.app.second.seen.contains { if case .packetIn = $0 { true } else { false } })
    }
}
