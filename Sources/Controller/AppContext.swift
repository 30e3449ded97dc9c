import OpenFlow
import Scheduler

/// What apps get to do: send to any datapath, query the registry, read the clock the
/// core was given, and log. The core lends it to every app call, `inout`.
public struct AppContext {
    var engine: Engine

    /// The instant the core was last given (`receive`, `tick`, ...).
    public var now: Instant { engine.shared.now }
    public var settings: ControllerSettings { engine.shared.settings }

    /// Totals and gauges, as the executable's status line shows them.
    public var counters: ControllerCounters { engine.counters }

    /// Encodes `message` with a fresh xid straight into the datapath's output buffer.
    ///
    /// Returns the xid, or nil when the datapath is not up, the message cannot be
    /// encoded (longer than 65535 bytes), or the connection's output is at its limit.
    /// Replies to requests (stats, barrier, config, features) come back as events
    /// carrying this xid.
    @discardableResult
    public mutating func send(_ message: Message, to datapath: DatapathID) -> UInt32? {
        engine.send(message, to: datapath)
    }

    /// Sends one whole message encoded already, such as a `FlowModTemplate`'s bytes,
    /// with a fresh xid written into the copy that goes out: no message is built or
    /// encoded. Returns the xid, or nil as `send(_:to:)` does, and also when the bytes
    /// are not one OpenFlow 1.0 message (its header's version and length).
    @discardableResult
    public mutating func send(encoded message: [UInt8], to datapath: DatapathID) -> UInt32? {
        guard message.count >= 8, message[0] == 0x01,
            Int(message[2]) << 8 | Int(message[3]) == message.count
        else { return nil }
        return engine.send(encoded: message, to: datapath)
    }

    /// The registry's entry for a datapath that is up.
    public func datapath(_ id: DatapathID) -> DatapathInfo? { engine.datapath(id) }

    /// Every datapath that is up, in ascending order.
    public var datapathIDs: [DatapathID] { engine.slotByDatapath.keys.sorted().map(DatapathID.init) }

    /// Queues a log line for the executable.
    public mutating func log(_ level: LogLevel, _ message: String) {
        engine.shared.log(level, message)
    }
}

/// The core's input path, for `ControllerCore`'s inlinable part: not generic, so it is
/// compiled once, here.
extension AppContext {
    /// Reads into the connection's input buffer; the connection's slot when bytes came.
    @usableFromInline
    mutating func ingest(_ id: ConnectionID, now: Instant, maximum: Int, reading read: (UnsafeMutableRawBufferPointer) -> Int) -> Int? {
        engine.ingest(id, now: now, maximum: maximum, reading: read)
    }

    /// A time at or before every connection's next deadline.
    @usableFromInline
    var sessionDeadline: Instant? { engine.shared.sessionDeadline }

    @usableFromInline
    mutating func nextStep(input slot: Int?) -> EventStep { engine.nextStep(input: slot) }

    @usableFromInline
    mutating func takeEvent() -> ControllerEvent { engine.takeEvent() }

    @usableFromInline
    mutating func finished(_ event: ControllerEvent, _ verdict: AppVerdict) { engine.finished(event, verdict) }
}

/// What the core's event loop does next. A packet_in, the event on the hot path, comes
/// as its parts: an optional `ControllerEvent` going out of scope is destroyed through
/// generic value witnesses (the compiler outlines it for so large an enum), ~100
/// instructions a packet_in; this costs ~40.
@usableFromInline
enum EventStep {
    case none
    case packetIn(DatapathID, PacketIn)
    /// Any other event: `takeEvent` hands it over.
    case event
}
