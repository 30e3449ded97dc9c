import OpenFlow
import Scheduler

/// What every connection uses from the rest of the controller: the clock it was given,
/// the settings, the xid counter, the counters, the log, and events raised outside the
/// input path. Sessions take it `inout`, beside themselves, so neither is copied.
struct Shared {
    let settings: ControllerSettings
    var now = Instant.zero
    var totals = ControllerCounters()
    var lastXID: UInt32 = 0
    var logQueue: LogQueue
    /// A time at or before every connection's next deadline.
    var sessionDeadline: Instant?
    /// Connections with output for the I/O layer to write after the turn.
    var outputQueue = OutputQueue()
    /// Events raised by closes, handshakes and timers, with the connection slot they
    /// concern; they reach the app before more input is read.
    private var raised: [(event: ControllerEvent, slot: Int?)] = []
    private var raisedHead = 0

    init(settings: ControllerSettings) {
        self.settings = settings
        logQueue = LogQueue(limit: settings.logLimit)
    }

    /// Counts an OFPT_ERROR the core sent, in all and by its type.
    mutating func countErrorSent(_ error: OpenFlowMessage) {
        totals.errorsSent &+= 1
        if case .error(let message) = error.message { totals.errorsSentByType.count(Int(message.code.type.rawValue)) }
    }

    mutating func nextXID() -> UInt32 {
        lastXID &+= 1
        return lastXID
    }

    mutating func log(_ level: LogLevel, _ message: String) {
        logQueue.append(level, message)
    }

    mutating func noteDeadline(_ deadline: Instant) {
        sessionDeadline = earliest(sessionDeadline, deadline)
    }

    mutating func raise(_ event: ControllerEvent, slot: Int?) {
        raised.append((event, slot))
    }

    mutating func nextRaised() -> (event: ControllerEvent, slot: Int?)? {
        guard raisedHead < raised.count else { return nil }
        let next = raised[raisedHead]
        raisedHead += 1
        if raisedHead == raised.count {
            raised.removeAll(keepingCapacity: true)
            raisedHead = 0
        }
        return next
    }
}

extension ControllerSettings {
    var channelTiming: ChannelTiming {
        ChannelTiming(handshakeTimeout: handshakeTimeout, echoInterval: echoInterval, echoTimeout: echoTimeout)
    }
}

extension MessageType {
    /// `OFPT_FLOW_MOD`, or the number of a type OpenFlow 1.0 lacks.
    var displayName: String { specName ?? "message type " + String(rawValue) }
}
