import OpenFlow
import Scheduler

/// The controller without its app: the table of connections, the datapath registry,
/// and what crosses connections (replacement, closure, event order). It is not generic,
/// so it is compiled and optimised once, here; the generic `ControllerCore` only hands
/// the events it yields to the app.
///
/// Events come out one at a time (`nextEvent`), so a packet_in reaches the app while
/// its bytes are still in the receive buffer, and nothing is queued per packet.
struct Engine {
    var shared: Shared
    var sessions: [Session?] = []
    var freeSlots: [Int] = []
    /// Slots by connection id and by datapath id. Not keyed by a random seed: a table
    /// holds at most one entry per admitted connection, so chosen datapath ids cannot
    /// make its runs long.
    var slotByConnection = IntegerIndex()
    var slotByDatapath = IntegerIndex()
    /// The datapath whose event the app is handling, so replies to it skip the lookup.
    var current: (datapath: DatapathID, slot: Int)?
    /// The event `nextStep` returned `.event` for, until `takeEvent`.
    private var pendingEvent: ControllerEvent?
    var closures: [ConnectionID] = []
    /// Datapaths registered since the host last drained them (`reportsRegistrations`).
    var registered: [DatapathID] = []

    init(settings: ControllerSettings) {
        shared = Shared(settings: settings)
    }

    var counters: ControllerCounters {
        var counters = shared.totals
        counters.connections = slotByConnection.count
        counters.switches = slotByDatapath.count
        counters.logRecordsDropped = shared.logQueue.dropped
        return counters
    }

    // MARK: Connections

    mutating func open(_ id: ConnectionID, peer: String?) {
        guard slotByConnection[id.rawValue] == nil else { return }
        let slot = freeSlots.popLast() ?? sessions.count
        var session = Session(id: id, slot: slot, now: shared.now, settings: shared.settings)
        session.peer = peer
        if slot == sessions.count { sessions.append(session) } else { sessions[slot] = session }
        slotByConnection[id.rawValue] = slot
        if let deadline = session.nextDeadline { shared.noteDeadline(deadline) }
        guard admit(slot) else { return }
        _ = sessions[slot]!.write(OpenFlowChannel.hello(xid: shared.nextXID()), &shared)
    }

    /// The slot of a connection whose input is still wanted, with its clock reset.
    mutating func acceptInput(_ id: ConnectionID) -> Int? {
        guard let slot = inputSlot(id) else { return nil }
        noteInput(slot)
        return slot
    }

    /// Reads into the connection's input buffer; the connection's slot when bytes came.
    mutating func ingest(_ id: ConnectionID, now: Instant, maximum: Int, reading read: (UnsafeMutableRawBufferPointer) -> Int) -> Int? {
        shared.now = now
        guard let slot = inputSlot(id), sessions[slot]!.framer.appendReading(maximum: maximum, read) > 0 else { return nil }
        noteInput(slot)
        return slot
    }

    /// The slot of a connection whose input is still wanted. Always inlined, as
    /// `slot(of:)` is: called from a `mutating` method, a non-mutating call copied the
    /// whole engine (1 KB) first.
    @inline(__always)
    func inputSlot(_ id: ConnectionID) -> Int? {
        guard let slot = slot(of: id), !sessions[slot]!.channel.isClosing else { return nil }
        return slot
    }

    /// The slot of an open connection.
    @inline(__always)
    func slot(of id: ConnectionID) -> Int? {
        slotByConnection[id.rawValue]
    }

    /// Input arrived on `slot`: its keepalive clock starts again.
    mutating func noteInput(_ slot: Int) {
        sessions[slot]!.inputArrived(now: shared.now)
    }

    /// The connection is gone; a datapath still up on it goes down.
    mutating func closed(_ id: ConnectionID) {
        guard let slot = slotByConnection.removeValue(forKey: id.rawValue) else { return }
        let session = sessions[slot]!
        sessions[slot] = nil
        shared.outputQueue.written(slot)
        freeSlots.append(slot)
        if slotByConnection.isEmpty { shared.sessionDeadline = nil }
        if !session.channel.isClosing, let datapath = session.datapath?.id, slotByDatapath[datapath.rawValue] == slot {
            slotByDatapath[datapath.rawValue] = nil
            shared.log(.info, session.name + " down: connection closed")
            if session.isSeenByApps { shared.raise(.datapathDown(datapath), slot: nil) }
        }
    }

    /// After a session decided to close: queue it for the I/O layer, and take its
    /// datapath down.
    mutating func finishClose(_ slot: Int) {
        closures.append(sessions[slot]!.id)
        guard let datapath = sessions[slot]!.datapath?.id, slotByDatapath[datapath.rawValue] == slot else { return }
        slotByDatapath[datapath.rawValue] = nil
        if sessions[slot]!.isSeenByApps { shared.raise(.datapathDown(datapath), slot: nil) }
    }

    /// Registers a datapath that finished its handshake. An older connection with the
    /// same datapath id is closed first, so apps see it go down, then come up. With a
    /// role in the settings it is asked first, and a slave's datapath stays hidden from
    /// the apps (see `setRole`).
    private mutating func register(_ info: DatapathInfo, slot: Int) {
        guard isAllowed(info.id, slot: slot) else { return }
        if let previous = slotByDatapath[info.id.rawValue], previous != slot {
            sessions[previous]!.close(.warning, "replaced by connection " + String(info.connection.rawValue), &shared)
            finishClose(previous)
        }
        slotByDatapath[info.id.rawValue] = slot
        if shared.settings.reportsRegistrations { registered.append(info.id) }
        if let role = shared.settings.role { askRole(role, slot: slot) }
        if sessions[slot]!.isSeenByApps { shared.raise(.datapathUp(info), slot: slot) }
    }

    mutating func nextClosure() -> ConnectionID? {
        while !closures.isEmpty {
            let id = closures.removeFirst()
            if slotByConnection[id.rawValue] != nil { return id }
        }
        return nil
    }

    // MARK: Events

    /// The next event for the app: raised ones first, then those from the input of
    /// `slot`, if any. A packet_in comes as its parts; any other event waits in
    /// `pendingEvent` for `takeEvent`.
    mutating func nextStep(input slot: Int?) -> EventStep {
        current = nil
        while true {
            if let (event, eventSlot) = shared.nextRaised() {
                if let eventSlot, let datapath = sessions[eventSlot]?.datapath?.id { current = (datapath, eventSlot) }
                pendingEvent = event
                return .event
            }
            guard let slot else { return .none }
            switch sessions[slot]!.receiveNext(&shared) {
            case .needInput: return .none
            case .handled: continue
            case .packetIn(let datapath, let packetIn):
                current = (datapath, slot)
                return .packetIn(datapath, packetIn)
            case .event(let event, let datapath):
                current = (datapath, slot)
                pendingEvent = event
                return .event
            case .up(let info): register(info, slot: slot)
            case .closed: finishClose(slot)
            }
        }
    }

    /// The event `nextStep` announced.
    mutating func takeEvent() -> ControllerEvent {
        defer { pendingEvent = nil }
        return pendingEvent!
    }

    /// After the app chain handled `event`: a VENDOR message no app took is refused,
    /// except the switch's answer to our role request.
    mutating func finished(_ event: ControllerEvent, _ verdict: AppVerdict) {
        guard verdict == .continue, case .message(let datapath, let message) = event,
            case .vendor(let vendor) = message.message, let slot = slotByDatapath[datapath.rawValue]
        else { return }
        if (try? NiciraRole(vendor, reply: true)) != nil { return }
        guard let bytes = try? message.encoded() else { return }
        sessions[slot]!.reject(bytes[...], .badVendor, reason: "no app handles this vendor", &shared)
    }

    // MARK: Time

    /// Does what is due at `shared.now`: a scan of the connections, only once the
    /// earliest deadline (a lower bound, kept cheaply as traffic arrives) has passed.
    mutating func tick() {
        guard let deadline = shared.sessionDeadline, deadline <= shared.now else { return }
        shared.sessionDeadline = nil
        for slot in sessions.indices where sessions[slot] != nil {
            if sessions[slot]!.tick(&shared) { finishClose(slot) }
            if let deadline = sessions[slot]!.nextDeadline { shared.noteDeadline(deadline) }
        }
    }

    // MARK: Output

    /// Reads each session where it lies: `for session in sessions` copied each one.
    var outputBacklog: Int {
        var total = 0
        for slot in sessions.indices { total += sessions[slot]?.output.count ?? 0 }
        return total
    }

    /// Always inlined, as `slot(of:)`: the host asks after every read (`wantsInput`).
    @inline(__always)
    func outputCount(_ id: ConnectionID) -> Int {
        guard let slot = slot(of: id) else { return 0 }
        return sessions[slot]!.output.count
    }

    /// The next connection with output queued since the last call and not written
    /// since.
    mutating func nextQueuedOutput() -> ConnectionID? {
        guard let slot = shared.outputQueue.next() else { return nil }
        return sessions[slot]!.id
    }

    mutating func withOutput(_ id: ConnectionID, _ write: (UnsafeRawBufferPointer) -> Int) -> Int {
        guard let slot = slot(of: id) else { return 0 }
        // One access to the session: each `sessions[slot]!` reads the optional's tag
        // out of line, and this runs for every write.
        let left = sessions[slot]!.drainOutput(write)
        if left == 0 { shared.outputQueue.written(slot) }
        return left
    }

    /// Sends an app's message; see `AppContext.send`.
    mutating func send(_ message: Message, to datapath: DatapathID) -> UInt32? {
        guard let slot = slot(of: datapath), mayChange(slot, message.type) else { return nil }
        return sessions[slot]!.send(message, &shared)
    }

    /// Sends an app's encoded message; see `AppContext.send(encoded:to:)`.
    mutating func send(encoded message: [UInt8], to datapath: DatapathID) -> UInt32? {
        guard let slot = slot(of: datapath), mayChange(slot, MessageType(rawValue: message[1])) else { return nil }
        return sessions[slot]!.send(encoded: message, &shared)
    }

    /// The session of a datapath that is up: the one the current event came from
    /// without a lookup, as apps mostly answer it.
    private func slot(of datapath: DatapathID) -> Int? {
        if let current, current.datapath == datapath { return current.slot }
        return slotByDatapath[datapath.rawValue]
    }

    func datapath(_ id: DatapathID) -> DatapathInfo? {
        guard let slot = slotByDatapath[id.rawValue] else { return nil }
        return sessions[slot]?.datapath
    }
}
