import OpenFlow
import Scheduler

/// One connection's OpenFlow channel: its buffers, where it is in its life, the
/// datapath behind it once known, and the requests it awaits.
///
/// Its methods run in place (`sessions[slot]!.method(&shared)`), so the hot path never
/// copies a session; what concerns other connections (registry, replacement, closure
/// queue) is left to the `Engine` through `Outcome`.
struct Session {
    /// What reading input led to, for the engine.
    enum Outcome {
        /// No whole message is buffered (or the session is closing).
        case needInput
        /// A message was handled with nothing for the apps.
        case handled
        /// Apart from `event`: an outcome holding a whole `ControllerEvent` is copied and
        /// destroyed through the enum's value witnesses, too dear for every packet_in.
        case packetIn(DatapathID, PacketIn)
        case event(ControllerEvent, DatapathID)
        /// The handshake finished: register the datapath, replacing any older connection.
        case up(DatapathInfo)
        /// The session decided to close.
        case closed
    }

    let id: ConnectionID
    let slot: Int
    /// HELLO, the handshake timeout and keepalive; its `handshaking` phase is ours
    /// awaiting FEATURES_REPLY.
    var channel: OpenFlowChannel
    var framer: Framer
    var output: ChannelOutput
    var featuresXID: UInt32 = 0
    var datapath: DatapathInfo?
    var pending = IntegerDictionary<PendingRequest>()
    /// The role last asked of the switch (OTHER until one is asked): apps do not see a
    /// slave's datapath, and it is sent no state change.
    var role: ControllerRole = .other

    /// When the connection opened, and whether any byte came since: the handshake limit
    /// closes the oldest silent ones.
    let openedAt: Instant
    var heardFrom = false

    /// Apps see every datapath but a slave's.
    var isSeenByApps: Bool { role != .slave }

    init(id: ConnectionID, slot: Int, now: Instant, settings: ControllerSettings) {
        self.id = id
        self.slot = slot
        openedAt = now
        channel = OpenFlowChannel(now: now, timing: settings.channelTiming)
        framer = Framer(capacity: settings.bufferCapacity)
        output = ChannelOutput(capacity: settings.bufferCapacity)
    }

    /// The peer's address, for logs.
    var peer: String?

    /// How logs name the connection: by datapath id once known, before that by the
    /// peer's address.
    var name: String {
        if let datapath { return "datapath " + datapath.id.description }
        return peer.map { "switch at " + $0 } ?? "connection " + String(id.rawValue)
    }

    // MARK: Output

    /// Appends an encoded message, unless that would pass the output limit (then the
    /// message is taken back, dropped and counted).
    mutating func write(_ message: OpenFlowMessage, _ shared: inout Shared) -> Bool {
        let before = output.bytes.count
        do throws(OpenFlowError) {
            try message.append(to: &output.bytes)
        } catch {
            shared.log(.error, "cannot encode " + message.type.displayName + ": " + error.specName)
            return false
        }
        return keepWithinLimit(since: before, &shared)
    }

    /// Takes back what was appended since `before` when the output is past its limit
    /// (the message is dropped and counted). True when it stays.
    private mutating func keepWithinLimit(since before: Int, _ shared: inout Shared) -> Bool {
        guard output.count <= shared.settings.outputLimit else {
            output.bytes.removeLast(output.bytes.count - before)
            shared.totals.drops &+= 1
            return false
        }
        queued(type: output.bytes[before + 1], &shared)
        return true
    }

    /// A message of `type` stays in the output: counted, and the connection listed for
    /// the I/O layer to write. Inlined: a call here cost ~70 instructions per packet_in.
    @inline(__always)
    private func queued(type: UInt8, _ shared: inout Shared) {
        shared.totals.messagesOut &+= 1
        shared.totals.messagesOutByType.count(Int(type))
        shared.outputQueue.add(slot)
    }

    /// Sends with a fresh xid, counts FLOW_MODs and PACKET_OUTs, and tracks requests
    /// that expect a reply. Returns the xid, or nil when nothing was sent.
    mutating func send(_ message: Message, _ shared: inout Shared) -> UInt32? {
        let xid = shared.nextXID()
        guard write(OpenFlowMessage(xid: xid, message), &shared) else { return nil }
        account(message.type, xid, &shared)
        return xid
    }

    /// Sends a message encoded already (`AppContext.send(encoded:to:)`): its bytes are
    /// appended as they are, with a fresh xid written into them.
    /// (The limit is checked before appending, not after as `write` does: nothing to
    /// take back, and the type is read from `message`, not from the output again.)
    mutating func send(encoded message: [UInt8], _ shared: inout Shared) -> UInt32? {
        let xid = shared.nextXID()
        guard output.count + message.count <= shared.settings.outputLimit else {
            shared.totals.drops &+= 1
            return nil
        }
        let before = output.bytes.count
        output.bytes.append(contentsOf: message)
        output.bytes.withUnsafeMutableBytes { $0.storeBytes(of: xid.bigEndian, toByteOffset: before + 4, as: UInt32.self) }
        let type = message[1]
        queued(type: type, &shared)
        account(MessageType(rawValue: type), xid, &shared)
        return xid
    }

    /// Counts FLOW_MODs and PACKET_OUTs, and tracks requests that expect a reply.
    private mutating func account(_ type: MessageType, _ xid: UInt32, _ shared: inout Shared) {
        if type == .flowMod {
            shared.totals.flowMods &+= 1
        } else if type == .packetOut {
            shared.totals.packetOuts &+= 1
        } else if PendingRequest.isTracked(type) {
            let deadline = shared.now + shared.settings.requestTimeout
            pending[UInt64(xid)] = PendingRequest(type: type, deadline: deadline)
            shared.noteDeadline(deadline)
        }
    }

    /// Input arrived: the keepalive clock starts again. One call, not two field
    /// writes: each `sessions[slot]!` reads the optional's tag out of line.
    mutating func inputArrived(now: Instant) {
        channel.inputArrived(now: now)
        heardFrom = true
    }

    /// Lends the unsent bytes, if any, to the I/O layer and drops what it wrote; the
    /// bytes still unsent.
    mutating func drainOutput(_ write: (UnsafeRawBufferPointer) -> Int) -> Int {
        guard output.count > 0 else { return 0 }
        output.consume(output.withUnsent(write))
        return output.count
    }

    // MARK: Life

    /// Decides to close: input is ignored from here, pending requests are forgotten.
    mutating func close(_ level: LogLevel, _ reason: String, _ shared: inout Shared) {
        guard channel.close() else { return }
        pending.removeAll()
        shared.log(level, datapath == nil ? name + " closed: " + reason : name + " down: " + reason)
    }

    /// When `tick` next has something to do for this connection.
    var nextDeadline: Instant? {
        guard var deadline = channel.nextDeadline else { return nil }
        for request in pending.values { deadline = min(deadline, request.deadline) }
        return deadline
    }

    /// Echoes, timeouts and request expiry due at `shared.now`; true if it closed.
    mutating func tick(_ shared: inout Shared) -> Bool {
        switch channel.tick(now: shared.now) {
        case .none:
            break
        case .sendEchoRequest:
            _ = write(OpenFlowMessage(xid: shared.nextXID(), .echoRequest(Echo())), &shared)
        case .handshakeTimedOut:
            close(.warning, "handshake timed out", &shared)
            return true
        case .peerSilent(let silence):
            close(.warning, "no message for " + String(silence.nanoseconds / 1_000_000) + " ms", &shared)
            return true
        }
        expireRequests(&shared)
        return false
    }

    private mutating func expireRequests(_ shared: inout Shared) {
        guard let datapath = datapath?.id else { return }
        var expired: [(xid: UInt32, type: MessageType)] = []
        for (xid, request) in zip(pending.keys, pending.values) where request.deadline <= shared.now {
            expired.append((UInt32(truncatingIfNeeded: xid), request.type))
        }
        for (xid, type) in expired.sorted(by: { $0.xid < $1.xid }) {
            pending[UInt64(xid)] = nil
            shared.log(.warning, name + ": " + type.displayName + " xid " + String(xid) + " timed out")
            shared.raise(.requestFailed(datapath, xid: xid, request: type, .timedOut), slot: slot)
        }
    }
}
