import OpenFlow
import Scheduler

/// Controller roles on the switches (the Nicira role request): what an HA pair of
/// controllers uses to share switches. A slave's datapath stays in the registry but is
/// hidden from the apps: it goes down for them when this controller becomes its slave
/// and comes up again when it becomes master or OTHER, so the apps install their state
/// afresh on promotion. A slave's switch is sent no FLOW_MOD, PACKET_OUT or PORT_MOD
/// (it would refuse them).
extension Engine {
    /// Asks the switch of `datapath` for `role`; false when the datapath is not up.
    mutating func setRole(_ role: ControllerRole, for datapath: DatapathID) -> Bool {
        guard let slot = slotByDatapath[datapath.rawValue], let info = sessions[slot]!.datapath else { return false }
        let old = sessions[slot]!.role
        askRole(role, slot: slot)
        guard old != role else { return true }
        shared.log(.info, sessions[slot]!.name + ": role " + old.name + " -> " + role.name)
        if old == .slave {
            shared.raise(.datapathUp(info), slot: slot)
        } else if role == .slave {
            shared.raise(.datapathDown(datapath), slot: nil)
        }
        return true
    }

    /// The role last asked of the switch of `datapath`, if it is up.
    func role(of datapath: DatapathID) -> ControllerRole? {
        slotByDatapath[datapath.rawValue].map { sessions[$0]!.role }
    }

    /// Sends NXT_ROLE_REQUEST and remembers the role.
    mutating func askRole(_ role: ControllerRole, slot: Int) {
        sessions[slot]!.role = role
        _ = sessions[slot]!.send(.vendor(NiciraRole(role: role).vendorMessage), &shared)
    }

    /// False (and counted as a drop) for a state change sent to a slave's switch.
    mutating func mayChange(_ slot: Int, _ type: MessageType) -> Bool {
        guard sessions[slot]!.role == .slave, type == .flowMod || type == .packetOut || type == .portMod else { return true }
        shared.totals.drops &+= 1
        return false
    }
}
