import Controller
import OpenFlow
import Scheduler
import Testing
import Wire

/// Forwarding over the simulated ring of four switches (host N on port 1 of switch N;
/// port 2 cabled to the next switch's port 3): the spanning tree, floods that reach
/// every host once and stop, paths installed end to end, and recomputation when a
/// cable goes.
struct ShortestPathSwitchTests {
    typealias App = AppChain<ShortestPathSwitch, Recorder>

    static func location(_ datapath: UInt64, _ port: UInt16) -> PortLocation { PortLocation(DatapathID(datapath), PortNumber(port)) }

    /// Links discovered and every port past its first probe period.
    static func settled() -> Ring<App> {
        var ring = Ring(App(ShortestPathSwitch(), Recorder()))
        ring.propagate()
        ring.advance(by: .seconds(1))
        ring.forgetReceived()
        return ring
    }

    static func app(_ ring: Ring<App>) -> ShortestPathSwitch { ring.sim.core.app.first }

    /// The flows each switch got, as (datapath, output port) in path order.
    static func flows(_ ring: Ring<App>) -> [UInt64: [FlowMod]] {
        var flows: [UInt64: [FlowMod]] = [:]
        for id in 1...UInt64(4) { flows[id] = ring.fake(id).flowMods }
        return flows
    }

    @Test func spanningTreeLeavesOutExactlyOneRingLink() {
        let ring = Self.settled()
        // BFS from switch 1 reaches 2 and 4 first, then 3 through 2: the 3-4 cable is out.
        #expect(
            Self.app(ring).spanningTree
                == [Self.location(1, 2), Self.location(2, 3), Self.location(2, 2), Self.location(3, 3), Self.location(1, 3), Self.location(4, 2)])
    }

    @Test func aBroadcastReachesEveryOtherHostOnceAndStops() {
        var ring = Self.settled()
        let frame = Frames.ethernet(src: Frames.host(1), dst: .broadcast)
        ring.send(frame, fromHost: 1)
        let first = ring.fake(1).packetOuts
        #expect(first.count == 1)
        #expect(Set(first.flatMap(\.actions)) == [.output(port: PortNumber(2)), .output(port: PortNumber(3))])
        let delivered = ring.propagate()
        #expect(delivered.map(\.host).sorted() == [2, 3, 4])
        #expect(delivered.allSatisfy { $0.frame == frame })
        #expect(Self.flows(ring).values.allSatisfy { $0.isEmpty })
    }

    /// Until a port has been probed for a period nobody knows what is behind it, and no
    /// flood goes out of it.
    @Test func noFloodOutOfPortsNotYetProbedForAPeriod() {
        var ring = Ring(App(ShortestPathSwitch(), Recorder()))
        ring.propagate()
        ring.forgetReceived()
        ring.send(Frames.ethernet(src: Frames.host(1), dst: .broadcast), fromHost: 1)
        #expect(ring.propagate().isEmpty)
        ring.sim.advance(by: .seconds(1))
        ring.propagate()
        ring.send(Frames.ethernet(src: Frames.host(1), dst: .broadcast), fromHost: 1)
        #expect(ring.propagate().map(\.host).sorted() == [2, 3, 4])
    }

    /// A flood that comes in over the cable outside the tree goes no further.
    @Test func aFloodOverALinkOutsideTheTreeIsDropped() {
        var ring = Self.settled()
        ring.withSwitch(3) { $0.sendPacketIn(Frames.ethernet(src: Frames.host(4), dst: .broadcast), inPort: 2) }
        ring.sim.run()
        #expect(ring.fake(3).packetOuts.isEmpty)
    }

    @Test func aKnownHostGetsFlowsAlongTheWholePath() {
        var ring = Self.settled()
        ring.send(Frames.ethernet(src: Frames.host(3), dst: .broadcast), fromHost: 3)
        ring.propagate()
        ring.forgetReceived()
        let frame = Frames.ethernet(src: Frames.host(1), dst: Frames.host(3))
        ring.send(frame, fromHost: 1)
        let match = Match(wildcards: Wildcards.all.subtracting([.dlSrc, .dlDst]), dlSrc: Frames.host(1), dlDst: Frames.host(3))
        func flow(_ port: UInt16) -> FlowMod {
            FlowMod(match: match, cookie: 0x544F_504F, command: .add, idleTimeout: 60, actions: [.output(port: PortNumber(port))])
        }
        // 1 -> 2 -> 3, out of port 2 twice, then to host 3 on port 1.
        #expect(Self.flows(ring) == [1: [flow(2)], 2: [flow(2)], 3: [flow(1)], 4: []])
        #expect(ring.fake(1).packetOuts == [PacketOut(inPort: PortNumber(1), actions: [.output(port: PortNumber(2))], data: frame[...])])
        #expect(ring.propagate().map(\.host) == [3])
    }

    @Test func aLinkGoingDownFlushesThePathsAndTheNextOnesGoAround() {
        var ring = Self.settled()
        ring.send(Frames.ethernet(src: Frames.host(3), dst: .broadcast), fromHost: 3)
        ring.propagate()
        ring.send(Frames.ethernet(src: Frames.host(1), dst: Frames.host(3)), fromHost: 1)
        ring.forgetReceived()

        // The 2-3 cable is cut: switch 2 reports its port 2 down.
        ring.withSwitch(2) { $0.send(.portStatus(PortStatus(reason: .modify, port: FakeSwitch.port(2, state: .linkDown)))) }
        ring.sim.run()
        let flush = FlowMod(match: Match(wildcards: Wildcards.all.subtracting(.dlDst), dlDst: Frames.host(3)), command: .delete)
        #expect(Self.flows(ring) == [1: [flush], 2: [flush], 3: [flush], 4: [flush]])
        // The tree is now the rest of the ring: 3-4, 4-1, 1-2.
        #expect(
            Self.app(ring).spanningTree
                == [Self.location(1, 2), Self.location(2, 3), Self.location(1, 3), Self.location(4, 2), Self.location(4, 3), Self.location(3, 2)])

        ring.forgetReceived()
        ring.send(Frames.ethernet(src: Frames.host(1), dst: Frames.host(3)), fromHost: 1)
        #expect(Self.flows(ring).mapValues { $0.map(\.actions) } == [1: [[.output(port: PortNumber(3))]], 2: [], 3: [[.output(port: PortNumber(1))]], 4: [[.output(port: PortNumber(3))]]])
        #expect(ring.propagate().map(\.host) == [3])
    }

    /// The same once the cable dies silently: the links age out after three periods.
    @Test func aSilentCableAgesOutAndTheTreeFollows() {
        var ring = Self.settled()
        #expect(Self.app(ring).topology.linkCount == 8)
        ring.deadCables = [1]  // the 1-2 cable carries nothing from now on
        ring.advance(by: .seconds(5))
        #expect(Self.app(ring).topology.linkCount == 6)
        #expect(!Self.app(ring).spanningTree.contains(Self.location(1, 2)))
        // Its ports start a new probe period (the links went at the 5 s tick).
        #expect(Self.app(ring).topology.port(Self.location(1, 2))?.probedSince == Instant(nanoseconds: 5_000_000_000))
        ring.forgetReceived()
        ring.send(Frames.ethernet(src: Frames.host(1), dst: .broadcast), fromHost: 1)
        #expect(ring.propagate().map(\.host).sorted() == [2, 3, 4])
    }

    @Test func aHostOnItsOwnInPortGetsNothing() {
        var ring = Self.settled()
        ring.send(Frames.ethernet(src: Frames.host(3), dst: .broadcast), fromHost: 3)
        ring.propagate()
        ring.forgetReceived()
        ring.send(Frames.ethernet(src: Frames.host(5), dst: Frames.host(3)), fromHost: 3)
        #expect(ring.fake(3).received.isEmpty)
    }

    @Test func aHostThatMovesHasTheFlowsTowardItDeleted() {
        var ring = Self.settled()
        ring.send(Frames.ethernet(src: Frames.host(3), dst: .broadcast), fromHost: 3)
        ring.propagate()
        ring.forgetReceived()
        ring.send(Frames.ethernet(src: Frames.host(3), dst: .broadcast), fromHost: 4)
        let flush = FlowMod(match: Match(wildcards: Wildcards.all.subtracting(.dlDst), dlDst: Frames.host(3)), command: .delete)
        #expect(Self.flows(ring) == [1: [flush], 2: [flush], 3: [flush], 4: [flush]])
        #expect(Self.app(ring).topology.host(Frames.host(3)) == Self.location(4, 1))
    }

    /// As the command line runs it (`--app topology`): a `[BuiltinApp]` whose ticks probe.
    @Test func runsAsABuiltinApp() {
        var ring = Ring([BuiltinApp.shortestPathSwitch(ShortestPathSwitch())])
        ring.propagate()
        #expect(ring.sim.core.app[0].shortestPathSwitch?.topology.linkCount == 8)
        #expect(ring.sim.core.nextDeadline != nil)
        ring.deadCables = [1, 2, 3, 4]
        ring.advance(by: .seconds(4))
        #expect(ring.sim.core.app[0].shortestPathSwitch?.topology.linkCount == 0)
    }

    /// A switch that reconnects may still hold paths from before; they are deleted.
    @Test func aSwitchThatReconnectsHasOldPathsDeleted() {
        var ring = Self.settled()
        ring.send(Frames.ethernet(src: Frames.host(3), dst: .broadcast), fromHost: 3)
        ring.propagate()
        ring.send(Frames.ethernet(src: Frames.host(1), dst: Frames.host(3)), fromHost: 1)
        ring.sim.disconnect(ring.connections[2]!)
        let id = ring.sim.connect(FakeSwitch(datapathID: 2, portCount: 3))
        let flush = FlowMod(match: Match(wildcards: Wildcards.all.subtracting(.dlDst), dlDst: Frames.host(3)), command: .delete)
        #expect(ring.sim.switches[id]!.flowMods == [flush])
    }
}
