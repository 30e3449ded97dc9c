import Controller
import CoreMetrics
import OpenFlow
import Prometheus
import Synchronization

/// The controller's counters as Prometheus metrics. A scrape asks the loop for its
/// counters (through the mailbox, so only the loop touches the core) and adds to the
/// swift-metrics counters what grew since the last scrape; messages in and out are
/// labelled by OpenFlow type and errors sent by OFPET type. The loop records each turn's
/// work time (from its wake-up to the end of the turn) into a histogram itself.
public final class ControllerMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let turnTimer: CoreMetrics.Timer
    private let meters: Mutex<Meters>

    private struct Meters {
        let datapaths, connections, backlog: CoreMetrics.Gauge
        let packetIns, packetInsDropped, flowMods, packetOuts: CoreMetrics.Counter
        let errorsReceived, drops, logRecordsDropped: CoreMetrics.Counter
        /// By type code, the last one for codes OpenFlow 1.0 does not name.
        let messagesIn, messagesOut, errorsSent: [CoreMetrics.Counter]
        var last = ControllerCounters()
    }

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        // Turns take microseconds: buckets from 1 us to 100 ms.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(1), .microseconds(2), .microseconds(5), .microseconds(10), .microseconds(20),
            .microseconds(50), .microseconds(100), .microseconds(200), .microseconds(500), .milliseconds(1),
            .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(20), .milliseconds(50),
            .milliseconds(100),
        ]
        func counter(_ name: String, _ dimensions: [(String, String)] = []) -> CoreMetrics.Counter {
            CoreMetrics.Counter(label: "ofcontroller_" + name + "_total", dimensions: dimensions, factory: factory)
        }
        func gauge(_ name: String) -> CoreMetrics.Gauge { CoreMetrics.Gauge(label: "ofcontroller_" + name, factory: factory) }
        func byType(_ name: String, _ counts: TypeCounts, _ typeName: (Int) -> String?) -> [CoreMetrics.Counter] {
            (0...counts.types).map { code in counter(name, [("type", code < counts.types ? typeName(code) ?? "other" : "other")]) }
        }
        let messageName = { (code: Int) in MessageType(rawValue: UInt8(code)).specName }
        let errorName = { (code: Int) in ErrorType(rawValue: UInt16(code)).specName }
        turnTimer = CoreMetrics.Timer(label: "ofcontroller_loop_turn_seconds", factory: factory)
        meters = Mutex(Meters(
            datapaths: gauge("datapaths_connected"), connections: gauge("connections_open"),
            backlog: gauge("output_backlog_bytes"),
            packetIns: counter("packet_ins"), packetInsDropped: counter("packet_ins_dropped"),
            flowMods: counter("flow_mods"), packetOuts: counter("packet_outs"),
            errorsReceived: counter("errors_received"), drops: counter("drops"),
            logRecordsDropped: counter("log_records_dropped"),
            messagesIn: byType("messages_received", .messageTypes(), messageName),
            messagesOut: byType("messages_sent", .messageTypes(), messageName),
            errorsSent: byType("errors_sent", .errorTypes(), errorName)))
    }

    /// Records one loop turn's work; called on the loop thread.
    public func recordTurn(nanoseconds: Int64) {
        turnTimer.recordNanoseconds(nanoseconds)
    }

    /// The Prometheus text exposition of `now`, the loop's counters, and its output
    /// backlog in bytes.
    public func scrape(_ now: ControllerCounters, backlog: Int) -> [UInt8] {
        meters.withLock { meters in
            meters.datapaths.record(now.switches)
            meters.connections.record(now.connections)
            meters.backlog.record(backlog)
            let last = meters.last
            func add(_ counter: CoreMetrics.Counter, _ value: UInt64, _ before: UInt64) {
                if value > before { counter.increment(by: Int64(clamping: value - before)) }
            }
            add(meters.packetIns, now.packetIns, last.packetIns)
            add(meters.packetInsDropped, now.packetInsDropped, last.packetInsDropped)
            add(meters.flowMods, now.flowMods, last.flowMods)
            add(meters.packetOuts, now.packetOuts, last.packetOuts)
            add(meters.errorsReceived, now.errorsReceived, last.errorsReceived)
            add(meters.drops, now.drops, last.drops)
            add(meters.logRecordsDropped, now.logRecordsDropped, last.logRecordsDropped)
            for (code, counter) in meters.messagesIn.enumerated() {
                add(counter, now.messagesInByType[code], last.messagesInByType[code])
            }
            for (code, counter) in meters.messagesOut.enumerated() {
                add(counter, now.messagesOutByType[code], last.messagesOutByType[code])
            }
            for (code, counter) in meters.errorsSent.enumerated() {
                add(counter, now.errorsSentByType[code], last.errorsSentByType[code])
            }
            meters.last = now
        }
        return registry.emitToBuffer()
    }
}
