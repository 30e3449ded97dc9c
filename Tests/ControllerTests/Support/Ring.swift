import Controller
import OpenFlow
import Scheduler
import Testing
import Wire

/// Four fake switches in a ring, datapaths 1 to 4, under one simulated controller. Each
/// has a host on port 1 (host N's MAC is `Frames.host(N)`); port 2 is cabled to the next
/// switch's port 3. `propagate` plays the cables: a PACKET_OUT out of a ring port comes
/// in at the neighbour as a PACKET_IN, one out of a host port reaches that host.
struct Ring<App: ControllerApp> {
    static var size: UInt64 { 4 }

    var sim: Simulation<App>
    /// Cables that carry nothing, named by the switch whose port 2 they leave from.
    var deadCables: Set<UInt64> = []
    private(set) var connections: [UInt64: ConnectionID] = [:]

    /// A frame that left the network at a host port.
    struct Delivery: Hashable {
        var host: UInt64
        var frame: [UInt8]
    }

    init(_ app: App) {
        sim = Simulation(app)
        for id in 1...Self.size {
            connections[id] = sim.connect(FakeSwitch(datapathID: id, portCount: 3))
        }
    }

    /// The port at the other end of a ring cable, if `port` of `datapath` is cabled.
    static func peer(of datapath: UInt64, port: UInt16) -> (datapath: UInt64, port: UInt16)? {
        switch port {
        case 2: (datapath % size + 1, 3)
        case 3: ((datapath + size - 2) % size + 1, 2)
        default: nil
        }
    }

    func fake(_ datapath: UInt64) -> FakeSwitch { sim.switches[connections[datapath]!]! }

    mutating func withSwitch<R>(_ datapath: UInt64, _ body: (inout FakeSwitch) -> R) -> R {
        sim.withSwitch(connections[datapath]!, body)
    }

    mutating func forgetReceived() {
        for id in 1...Self.size { withSwitch(id) { $0.forgetReceived() } }
    }

    /// Host `n` sends a frame into its switch.
    mutating func send(_ frame: [UInt8], fromHost n: UInt64) {
        withSwitch(n) { $0.sendPacketIn(frame, inPort: 1) }
        sim.run()
    }

    /// Carries PACKET_OUTs over the cables until none is left; returns what reached hosts
    /// (LLDP left out). Records an issue if frames still circulate after `rounds` hops.
    @discardableResult
    mutating func propagate(rounds: Int = 16, sourceLocation: SourceLocation = #_sourceLocation) -> [Delivery] {
        var delivered: [Delivery] = []
        for _ in 0..<rounds {
            var moved = false
            for id in 1...Self.size {
                let packetOuts = fake(id).packetOuts
                withSwitch(id) { $0.forgetReceived() }
                for packetOut in packetOuts {
                    for case .output(let port, _) in packetOut.actions {
                        moved = true
                        let frame = Array(packetOut.data)
                        if let peer = Self.peer(of: id, port: port.rawValue) {
                            guard !deadCables.contains(port.rawValue == 2 ? id : peer.datapath) else { continue }
                            withSwitch(peer.datapath) { $0.sendPacketIn(frame, inPort: peer.port) }
                        } else if port == PortNumber(1), frame.count < 14 || frame[12...13] != [0x88, 0xCC] {
                            delivered.append(Delivery(host: id, frame: frame))
                        }
                    }
                }
            }
            sim.run(sourceLocation: sourceLocation)
            if !moved { return delivered }
        }
        Issue.record("frames still circulate after \(rounds) hops", sourceLocation: sourceLocation)
        return delivered
    }

    /// Moves the clock, carrying the probes of every tick over the cables.
    mutating func advance(by interval: Interval) {
        let target = sim.now + interval
        while let deadline = sim.core.nextDeadline, deadline <= target {
            sim.advance(by: deadline - sim.now)
            propagate()
        }
        sim.advance(by: target - sim.now)
        propagate()
    }
}
