import OpenFlow
import Scheduler

extension Datapath {
    /// When `tick` next has work: a flow timeout or a buffered packet's expiry (possibly
    /// early, never late).
    public var nextDeadline: Instant? { earliest(flowDeadline, buffers.nextExpiry) }

    /// Removes flows whose hard or idle timeout has passed (FLOW_REMOVED for those with
    /// SEND_FLOW_REM; reason HARD_TIMEOUT when both are due) and frees expired buffers.
    /// One scan of the flows, only once the earliest deadline has passed.
    public mutating func tick(now: Instant) {
        buffers.expire(now: now)
        guard let due = flowDeadline, due <= now else { return }
        flowDeadline = nil
        var expired: [(slot: Int, reason: FlowRemovedReason)] = []
        for slot in table.slots {
            guard let entry = table[slot], let expiry = entry.expiry() else { continue }
            if expiry.at <= now {
                // Hard first when both have passed.
                let hardDue = entry.hardTimeout > 0 && entry.created + .seconds(UInt64(entry.hardTimeout)) <= now
                expired.append((slot, hardDue ? .hardTimeout : expiry.reason))
            } else {
                flowDeadline = earliest(flowDeadline, expiry.at)
            }
        }
        for (slot, reason) in expired {
            let entry = table.remove(slot)
            if entry.flags.contains(.sendFlowRemoved) { reportRemoved(entry, reason, now: now) }
        }
    }
}
