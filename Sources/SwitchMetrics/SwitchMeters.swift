import CoreMetrics
import OpenFlow
import Prometheus
import SwitchHost
import Synchronization

/// The switch's counters as Prometheus metrics (`ofswitch --metrics`), read from the
/// snapshot the switch loop publishes, never from the loop thread. The loop keeps
/// running totals, so each scrape adds to the swift-metrics counters what grew since
/// the last one; per-port series carry `port` and `name` labels.
public final class SwitchMeters: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let board: SwitchMetricsBoard
    private let state: Mutex<State>

    private struct State {
        let factory: PrometheusMetricsFactory
        let flows, flowCapacity, buffersInUse, bufferCapacity: CoreMetrics.Gauge
        let controllersConnected, controllersConfigured, connections: CoreMetrics.Gauge
        let lookups, misses, packetIns, packetInsDropped, missDrops: CoreMetrics.Counter
        let flowMods, packetOuts, errorsSent, errorsReceived: CoreMetrics.Counter
        var ports: [UInt16: PortMeters] = [:]
        var last = SwitchMetricsSnapshot()
    }

    private struct PortMeters {
        let rxPackets, txPackets, rxBytes, txBytes, rxDropped, txDropped: CoreMetrics.Counter
        var last: SwitchMetricsSnapshot.Port

        init(_ port: SwitchMetricsSnapshot.Port, factory: PrometheusMetricsFactory) {
            let labels = [("port", String(port.number)), ("name", port.name)]
            func counter(_ name: String) -> CoreMetrics.Counter {
                CoreMetrics.Counter(label: "ofswitch_port_" + name + "_total", dimensions: labels, factory: factory)
            }
            rxPackets = counter("receive_packets")
            txPackets = counter("transmit_packets")
            rxBytes = counter("receive_bytes")
            txBytes = counter("transmit_bytes")
            rxDropped = counter("receive_dropped")
            txDropped = counter("transmit_dropped")
            last = port
            last.stats = PortStats(portNumber: PortNumber(port.number))
        }
    }

    public init(board: SwitchMetricsBoard) {
        self.board = board
        let factory = PrometheusMetricsFactory(registry: registry)
        func counter(_ name: String) -> CoreMetrics.Counter { CoreMetrics.Counter(label: "ofswitch_" + name + "_total", factory: factory) }
        func gauge(_ name: String) -> CoreMetrics.Gauge { CoreMetrics.Gauge(label: "ofswitch_" + name, factory: factory) }
        state = Mutex(State(
            factory: factory,
            flows: gauge("flows"), flowCapacity: gauge("flow_capacity"),
            buffersInUse: gauge("buffers_in_use"), bufferCapacity: gauge("buffer_capacity"),
            controllersConnected: gauge("controllers_connected"), controllersConfigured: gauge("controllers_configured"),
            connections: gauge("connections_open"),
            lookups: counter("flow_lookups"), misses: counter("flow_lookup_misses"),
            packetIns: counter("packet_ins"), packetInsDropped: counter("packet_ins_dropped"), missDrops: counter("miss_drops"),
            flowMods: counter("flow_mods"), packetOuts: counter("packet_outs"),
            errorsSent: counter("errors_sent"), errorsReceived: counter("errors_received")))
    }

    /// The Prometheus text exposition of the latest snapshot.
    public func scrape() -> [UInt8] {
        let now = board.snapshot
        state.withLock { state in
            state.flows.record(now.flows)
            state.flowCapacity.record(now.flowCapacity)
            state.buffersInUse.record(now.buffersInUse)
            state.bufferCapacity.record(now.bufferCapacity)
            state.controllersConnected.record(now.controllersUp)
            state.controllersConfigured.record(now.controllersConfigured)
            state.connections.record(now.connections)
            let last = state.last
            func add(_ counter: CoreMetrics.Counter, _ value: UInt64, _ before: UInt64) {
                if value > before { counter.increment(by: Int64(clamping: value - before)) }
            }
            add(state.lookups, now.lookups, last.lookups)
            add(state.misses, now.lookups &- now.matched, last.lookups &- last.matched)
            add(state.packetIns, now.datapath.packetIns, last.datapath.packetIns)
            add(state.packetInsDropped, now.datapath.packetInDrops, last.datapath.packetInDrops)
            add(state.missDrops, now.datapath.missDrops, last.datapath.missDrops)
            add(state.flowMods, now.agent.flowMods, last.agent.flowMods)
            add(state.packetOuts, now.agent.packetOuts, last.agent.packetOuts)
            add(state.errorsSent, now.agent.errorsSent, last.agent.errorsSent)
            add(state.errorsReceived, now.agent.errorsReceived, last.agent.errorsReceived)
            for port in now.ports {
                var meters = state.ports[port.number] ?? PortMeters(port, factory: state.factory)
                let before = meters.last.stats
                add(meters.rxPackets, port.stats.rxPackets, before.rxPackets)
                add(meters.txPackets, port.stats.txPackets, before.txPackets)
                add(meters.rxBytes, port.stats.rxBytes, before.rxBytes)
                add(meters.txBytes, port.stats.txBytes, before.txBytes)
                add(meters.rxDropped, port.stats.rxDropped, before.rxDropped)
                add(meters.txDropped, port.stats.txDropped, before.txDropped)
                meters.last = port
                state.ports[port.number] = meters
            }
            state.last = now
        }
        return registry.emitToBuffer()
    }
}
