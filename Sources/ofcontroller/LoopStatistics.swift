import Controller
import Synchronization

/// One loop's counters, published after every loop turn so the main thread can print
/// the status line without touching the loop's state. Relaxed atomics: each value is
/// written by one loop thread only and read as a snapshot, so no ordering is needed.
final class LoopStatistics: Sendable {
    private let connections = Atomic<Int>(0)
    private let switches = Atomic<Int>(0)
    private let messagesIn = Atomic<UInt64>(0)
    private let messagesOut = Atomic<UInt64>(0)
    private let packetIns = Atomic<UInt64>(0)
    private let packetInsDropped = Atomic<UInt64>(0)
    private let flowMods = Atomic<UInt64>(0)
    private let packetOuts = Atomic<UInt64>(0)
    private let errorsReceived = Atomic<UInt64>(0)
    private let errorsSent = Atomic<UInt64>(0)
    private let drops = Atomic<UInt64>(0)
    private let logRecordsDropped = Atomic<UInt64>(0)

    init() {}

    func publish(_ counters: ControllerCounters) {
        connections.store(counters.connections, ordering: .relaxed)
        switches.store(counters.switches, ordering: .relaxed)
        messagesIn.store(counters.messagesIn, ordering: .relaxed)
        messagesOut.store(counters.messagesOut, ordering: .relaxed)
        packetIns.store(counters.packetIns, ordering: .relaxed)
        packetInsDropped.store(counters.packetInsDropped, ordering: .relaxed)
        flowMods.store(counters.flowMods, ordering: .relaxed)
        packetOuts.store(counters.packetOuts, ordering: .relaxed)
        errorsReceived.store(counters.errorsReceived, ordering: .relaxed)
        errorsSent.store(counters.errorsSent, ordering: .relaxed)
        drops.store(counters.drops, ordering: .relaxed)
        logRecordsDropped.store(counters.logRecordsDropped, ordering: .relaxed)
    }

    var snapshot: ControllerCounters {
        var counters = ControllerCounters()
        counters.connections = connections.load(ordering: .relaxed)
        counters.switches = switches.load(ordering: .relaxed)
        counters.messagesIn = messagesIn.load(ordering: .relaxed)
        counters.messagesOut = messagesOut.load(ordering: .relaxed)
        counters.packetIns = packetIns.load(ordering: .relaxed)
        counters.packetInsDropped = packetInsDropped.load(ordering: .relaxed)
        counters.flowMods = flowMods.load(ordering: .relaxed)
        counters.packetOuts = packetOuts.load(ordering: .relaxed)
        counters.errorsReceived = errorsReceived.load(ordering: .relaxed)
        counters.errorsSent = errorsSent.load(ordering: .relaxed)
        counters.drops = drops.load(ordering: .relaxed)
        counters.logRecordsDropped = logRecordsDropped.load(ordering: .relaxed)
        return counters
    }
}

extension ControllerCounters {
    /// The sum over loops: totals and gauges alike add up.
    static func sum(_ all: [ControllerCounters]) -> ControllerCounters {
        var total = ControllerCounters()
        for counters in all {
            total.connections += counters.connections
            total.switches += counters.switches
            total.messagesIn &+= counters.messagesIn
            total.messagesOut &+= counters.messagesOut
            total.packetIns &+= counters.packetIns
            total.packetInsDropped &+= counters.packetInsDropped
            total.flowMods &+= counters.flowMods
            total.packetOuts &+= counters.packetOuts
            total.errorsReceived &+= counters.errorsReceived
            total.errorsSent &+= counters.errorsSent
            total.drops &+= counters.drops
            total.logRecordsDropped &+= counters.logRecordsDropped
        }
        return total
    }
}
