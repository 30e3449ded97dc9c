import Controller
import CoreMetrics
import Prometheus
import Synchronization

/// The controller's counters as Prometheus metrics, read from the loops' published
/// snapshots at scrape time (never from a loop thread). The core keeps running totals,
/// so each scrape adds to the swift-metrics counters what grew since the last one.
public final class ControllerMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let read: @Sendable () -> ControllerCounters
    private let meters: Mutex<Meters>

    private struct Meters {
        let datapaths, connections: CoreMetrics.Gauge
        let messagesIn, messagesOut, packetIns, packetInsDropped: CoreMetrics.Counter
        let flowMods, packetOuts, errorsReceived, errorsSent, drops, logRecordsDropped: CoreMetrics.Counter
        var last = ControllerCounters()
    }

    /// `read` sums the loops' latest snapshots.
    public init(read: @escaping @Sendable () -> ControllerCounters) {
        self.read = read
        let factory = PrometheusMetricsFactory(registry: registry)
        func counter(_ name: String) -> CoreMetrics.Counter { CoreMetrics.Counter(label: "ofcontroller_" + name + "_total", factory: factory) }
        func gauge(_ name: String) -> CoreMetrics.Gauge { CoreMetrics.Gauge(label: "ofcontroller_" + name, factory: factory) }
        meters = Mutex(Meters(
            datapaths: gauge("datapaths_connected"), connections: gauge("connections_open"),
            messagesIn: counter("messages_received"), messagesOut: counter("messages_sent"),
            packetIns: counter("packet_ins"), packetInsDropped: counter("packet_ins_dropped"), flowMods: counter("flow_mods"), packetOuts: counter("packet_outs"),
            errorsReceived: counter("errors_received"), errorsSent: counter("errors_sent"),
            drops: counter("drops"), logRecordsDropped: counter("log_records_dropped")))
    }

    /// The Prometheus text exposition of the current counters.
    public func scrape() -> [UInt8] {
        let now = read()
        meters.withLock { meters in
            meters.datapaths.record(now.switches)
            meters.connections.record(now.connections)
            func add(_ counter: CoreMetrics.Counter, _ value: KeyPath<ControllerCounters, UInt64>) {
                let grown = now[keyPath: value] &- meters.last[keyPath: value]
                if grown > 0 { counter.increment(by: Int64(clamping: grown)) }
            }
            add(meters.messagesIn, \.messagesIn)
            add(meters.messagesOut, \.messagesOut)
            add(meters.packetIns, \.packetIns)
            add(meters.packetInsDropped, \.packetInsDropped)
            add(meters.flowMods, \.flowMods)
            add(meters.packetOuts, \.packetOuts)
            add(meters.errorsReceived, \.errorsReceived)
            add(meters.errorsSent, \.errorsSent)
            add(meters.drops, \.drops)
            add(meters.logRecordsDropped, \.logRecordsDropped)
            meters.last = now
        }
        return registry.emitToBuffer()
    }
}
