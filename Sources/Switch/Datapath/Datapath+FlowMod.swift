import OpenFlow
import Scheduler

extension Datapath {
    /// OFPT_FLOW_MOD.
    ///
    /// - The match is kept canonical (`Match.canonical`). An exact match (no wildcard)
    ///   goes in the hash table at priority 0xffff, whatever the message says: the 1.0
    ///   rule that exact entries outrank every wildcard entry, reported the way Open
    ///   vSwitch reports it. Strict commands on an exact match therefore select by match
    ///   alone.
    /// - ADD: with CHECK_OVERLAP, an entry of the same priority that a packet could
    ///   match together with the new one refuses it (OFPFMFC_OVERLAP); an entry with the
    ///   same match and priority is replaced, counters reset; a full table refuses
    ///   (OFPFMFC_ALL_TABLES_FULL).
    /// - MODIFY (entries the match covers) and MODIFY_STRICT (same match and priority):
    ///   actions and cookie replaced (OpenFlow 1.0 updates the cookie), counters and
    ///   timeouts kept; with no such entry, an ADD.
    /// - DELETE and DELETE_STRICT select the same way, then keep only entries that
    ///   output to out_port (OFPP_NONE: all); each removed entry with SEND_FLOW_REM
    ///   sends FLOW_REMOVED (reason DELETE).
    /// - EMERG: the command acts on the emergency table; an emergency entry with an idle
    ///   or hard timeout is refused (OFPFMFC_BAD_EMERG_TIMEOUT).
    /// - Actions are validated before anything changes (OFPET_BAD_ACTION).
    /// - buffer_id (ADD and MODIFY): after the table changes, the buffered packet goes
    ///   through the new actions. An unknown or used buffer is reported after the flow
    ///   is installed, as Open vSwitch does.
    public mutating func flowMod(_ mod: FlowMod, now: Instant) throws(DatapathError) {
        let match = mod.match.canonical
        let priority = match.isExact ? UInt16.max : mod.priority
        let inEmergency = mod.flags.contains(.emergency)
        switch mod.command {
        case .add, .modify, .modifyStrict:
            if inEmergency && (mod.idleTimeout != 0 || mod.hardTimeout != 0) {
                throw DatapathError(.badEmergencyTimeout)
            }
            let entry = FlowEntry(
                match: match, priority: priority, cookie: mod.cookie, idleTimeout: mod.idleTimeout,
                hardTimeout: mod.hardTimeout, flags: mod.flags, actions: mod.actions,
                program: try compile(mod.actions, inPacketOut: false), created: now, lastUsed: now)
            let checkOverlap = mod.flags.contains(.checkOverlap)
            if mod.command == .add {
                if inEmergency {
                    try Self.add(entry, checkOverlap: checkOverlap, to: &emergency)
                } else {
                    try Self.add(entry, checkOverlap: checkOverlap, to: &table)
                }
            } else {
                let strict = mod.command == .modifyStrict
                if inEmergency {
                    try Self.modify(entry, strict: strict, checkOverlap: checkOverlap, in: &emergency)
                } else {
                    try Self.modify(entry, strict: strict, checkOverlap: checkOverlap, in: &table)
                }
            }
            if let expiry = entry.expiry() { flowDeadline = earliest(flowDeadline, expiry.at) }
            if mod.bufferID != BufferID.none {
                try release(mod.bufferID, through: entry.program, inPacketOut: false, now: now)
            }
        case .delete, .deleteStrict:
            let strict = mod.command == .deleteStrict
            let removed =
                inEmergency
                ? Self.delete(match, priority: priority, strict: strict, outPort: mod.outPort, from: &emergency)
                : Self.delete(match, priority: priority, strict: strict, outPort: mod.outPort, from: &table)
            for entry in removed where entry.flags.contains(.sendFlowRemoved) {
                reportRemoved(entry, .delete, now: now)
            }
        default:
            throw DatapathError(.badFlowModCommand)
        }
    }

    /// Validates and compiles actions against this switch's ports and queues.
    func compile(_ actions: [Action], inPacketOut: Bool) throws(DatapathError) -> ActionProgram {
        try ActionProgram(
            validating: actions, inPacketOut: inPacketOut,
            portExists: { portIndex($0) != nil },
            queueExists: { port, queue in portIndex(port).map { records[$0].queueIndex(queue) != nil } ?? false })
    }

    /// FLOW_REMOVED for `entry`, if a controller is there to get it.
    mutating func reportRemoved(_ entry: FlowEntry, _ reason: FlowRemovedReason, now: Instant) {
        if sendAsync(.flowRemoved(entry.removed(reason, at: now))) { counters.flowRemoveds &+= 1 }
    }

    private static func add(_ entry: FlowEntry, checkOverlap: Bool, to table: inout FlowTable) throws(DatapathError) {
        if checkOverlap && table.overlaps(entry.match, priority: entry.priority) {
            throw DatapathError(.flowOverlap)
        }
        if let slot = table.strictSlot(entry.match, priority: entry.priority) {
            table.replace(slot, with: entry)
            return
        }
        guard !table.isFull else { throw DatapathError(.allTablesFull) }
        table.insert(entry)
    }

    private static func modify(
        _ entry: FlowEntry, strict: Bool, checkOverlap: Bool, in table: inout FlowTable
    ) throws(DatapathError) {
        let slots: [Int]
        if strict {
            slots = table.strictSlot(entry.match, priority: entry.priority).map { [$0] } ?? []
        } else {
            slots = table.slots(coveredBy: entry.match)
        }
        guard !slots.isEmpty else {
            try add(entry, checkOverlap: checkOverlap, to: &table)
            return
        }
        for slot in slots {
            table.modify(slot, actions: entry.actions, program: entry.program, cookie: entry.cookie)
        }
    }

    private static func delete(
        _ match: Match, priority: UInt16, strict: Bool, outPort: PortNumber, from table: inout FlowTable
    ) -> [FlowEntry] {
        let candidates: [Int]
        if strict {
            candidates = table.strictSlot(match, priority: priority).map { [$0] } ?? []
        } else {
            candidates = table.slots(coveredBy: match)
        }
        var removed: [FlowEntry] = []
        for slot in candidates where table[slot]!.sends(to: outPort) {
            removed.append(table.remove(slot))
        }
        return removed
    }
}
