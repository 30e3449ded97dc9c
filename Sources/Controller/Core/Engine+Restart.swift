import OpenFlow
import Scheduler

extension Engine {
    /// Every datapath the apps see starts afresh: its flows are deleted, then it goes
    /// down and up for the apps, which drop their state for it and install what they
    /// hold now. For apps whose policy changed at run time (a slave's datapaths are
    /// left alone: the apps do not see them, and they start afresh on promotion).
    mutating func restartVisibleDatapaths() {
        for key in slotByDatapath.keys.sorted() {
            let datapath = DatapathID(key), slot = slotByDatapath[key]!
            guard sessions[slot]!.isSeenByApps, let info = sessions[slot]!.datapath else { continue }
            _ = sessions[slot]!.send(.flowMod(FlowMod(match: Match(), command: .delete)), &shared)
            shared.log(.info, sessions[slot]!.name + ": flows deleted, apps start afresh")
            shared.raise(.datapathDown(datapath), slot: nil)
            shared.raise(.datapathUp(info), slot: slot)
        }
    }
}
