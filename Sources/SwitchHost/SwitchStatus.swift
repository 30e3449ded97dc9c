import OpenFlow
import Scheduler
import Switch

/// The periodic one-line status: gauges as they are, packet counts as rates since the
/// last line.
struct SwitchStatus {
    private var previous = Totals()
    private var previousTime: Instant

    /// The counters the line reports rates of.
    private struct Totals {
        var rx: UInt64 = 0
        var tx: UInt64 = 0
        var packetIns: UInt64 = 0
        var flowMods: UInt64 = 0

        init() {}

        init(_ agent: SwitchAgent) {
            for port in agent.datapath.ports {
                rx &+= port.stats.rxPackets
                tx &+= port.stats.txPackets
            }
            packetIns = agent.datapath.counters.packetIns
            flowMods = agent.counters.flowMods
        }
    }

    init(start: Instant) {
        previousTime = start
    }

    mutating func next(_ agent: SwitchAgent, now: Instant) -> String {
        let current = Totals(agent)
        let seconds = Double((now - previousTime).nanoseconds) / 1e9
        func rate(_ value: UInt64, _ before: UInt64) -> String {
            guard seconds > 0 else { return "0" }
            return String(Int((Double(value &- before) / seconds).rounded()))
        }
        let counters = agent.counters
        let line = "status: controllers \(counters.controllersUp)/\(agent.settings.controllers.count) up, "
            + "connections \(counters.connections), mode \(agent.datapath.mode), flows \(agent.datapath.flowCount), "
            + "rx/s \(rate(current.rx, previous.rx)), tx/s \(rate(current.tx, previous.tx)), "
            + "packet_in/s \(rate(current.packetIns, previous.packetIns)), "
            + "flow_mod/s \(rate(current.flowMods, previous.flowMods)), "
            + "errors in \(counters.errorsReceived) out \(counters.errorsSent)"
        previous = current
        previousTime = now
        return line
    }

    /// Totals since start, for the last line at shutdown.
    static func totals(_ agent: SwitchAgent) -> String {
        let now = Totals(agent)
        let counters = agent.counters
        let datapath = agent.datapath.counters
        return "totals: rx \(now.rx), tx \(now.tx), packet_in \(now.packetIns), flow_mod \(now.flowMods), "
            + "misses dropped \(datapath.missDrops), packet_in dropped \(datapath.packetInDrops), "
            + "errors in \(counters.errorsReceived) out \(counters.errorsSent)"
    }
}
