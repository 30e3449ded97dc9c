import Controller
import Scheduler

/// The periodic one-line status: gauges as they are, totals as rates since the last
/// line.
struct StatusLine {
    private var previous = ControllerCounters()
    private var previousTime: Instant

    init(start: Instant) {
        previousTime = start
    }

    mutating func next(_ counters: ControllerCounters, now: Instant) -> String {
        let seconds = Double((now - previousTime).nanoseconds) / 1e9
        func rate(_ current: UInt64, _ before: UInt64) -> String {
            guard seconds > 0 else { return "0" }
            return String(Int((Double(current &- before) / seconds).rounded()))
        }
        let line = "status: switches \(counters.switches), connections \(counters.connections), "
            + "packet_in/s \(rate(counters.packetIns, previous.packetIns)), "
            + "flow_mod/s \(rate(counters.flowMods, previous.flowMods)), "
            + "packet_out/s \(rate(counters.packetOuts, previous.packetOuts)), "
            + "errors in \(counters.errorsReceived) out \(counters.errorsSent), "
            + "drops \(counters.drops)"
            + (counters.logRecordsDropped > 0 ? ", log records dropped \(counters.logRecordsDropped)" : "")
        previous = counters
        previousTime = now
        return line
    }

    /// Totals since start, for the last line at shutdown.
    static func totals(_ counters: ControllerCounters) -> String {
        "totals: packet_in \(counters.packetIns), flow_mod \(counters.flowMods), "
            + "packet_out \(counters.packetOuts), errors in \(counters.errorsReceived) "
            + "out \(counters.errorsSent), drops \(counters.drops)"
    }
}
