import OpenFlow
import Scheduler

/// Closing a datapath on request of the host: a host running several cores (one per
/// thread) closes the older connection of a datapath that reconnected to another core,
/// as `register` does within one core.
extension Engine {
    /// Closes the connection of `datapath` with `reason` logged; false when it is not up.
    mutating func disconnect(_ datapath: DatapathID, reason: String) -> Bool {
        guard let slot = slotByDatapath[datapath.rawValue] else { return false }
        sessions[slot]!.close(.warning, reason, &shared)
        finishClose(slot)
        return true
    }
}
