import OpenFlow
import Scheduler

/// One flow: its canonical match and priority, what it does, its lifetime and counters.
struct FlowEntry {
    var match: Match
    var priority: UInt16
    var cookie: UInt64
    var idleTimeout: UInt16
    var hardTimeout: UInt16
    var flags: FlowModFlags
    /// The actions as the controller sent them, for flow stats.
    var actions: [Action]
    var program: ActionProgram
    var created: Instant
    var lastUsed: Instant
    var packetCount: UInt64 = 0
    var byteCount: UInt64 = 0

    /// When a timeout removes it, and why; nil for a permanent flow.
    func expiry() -> (at: Instant, reason: FlowRemovedReason)? {
        var result: (at: Instant, reason: FlowRemovedReason)?
        if hardTimeout > 0 {
            result = (created + .seconds(UInt64(hardTimeout)), .hardTimeout)
        }
        if idleTimeout > 0 {
            let idle = lastUsed + .seconds(UInt64(idleTimeout))
            if result == nil || idle < result!.at { result = (idle, .idleTimeout) }
        }
        return result
    }

    /// Time since the flow was added, as (seconds, nanoseconds).
    func duration(at now: Instant) -> (seconds: UInt32, nanoseconds: UInt32) {
        let elapsed = (now - created).nanoseconds
        return (UInt32(truncatingIfNeeded: elapsed / 1_000_000_000), UInt32(elapsed % 1_000_000_000))
    }

    /// The out_port filter: OFPP_NONE passes every flow.
    func sends(to port: PortNumber) -> Bool {
        port == .none || actions.contains { $0.sends(to: port) }
    }

    func removed(_ reason: FlowRemovedReason, at now: Instant) -> FlowRemoved {
        let (seconds, nanoseconds) = duration(at: now)
        return FlowRemoved(
            match: match, cookie: cookie, priority: priority, reason: reason, durationSeconds: seconds,
            durationNanoseconds: nanoseconds, idleTimeout: idleTimeout, packetCount: packetCount, byteCount: byteCount)
    }

    func stats(tableID: UInt8, at now: Instant) -> FlowStats {
        let (seconds, nanoseconds) = duration(at: now)
        return FlowStats(
            tableID: tableID, match: match, durationSeconds: seconds, durationNanoseconds: nanoseconds,
            priority: priority, idleTimeout: idleTimeout, hardTimeout: hardTimeout, cookie: cookie,
            packetCount: packetCount, byteCount: byteCount, actions: actions)
    }
}
