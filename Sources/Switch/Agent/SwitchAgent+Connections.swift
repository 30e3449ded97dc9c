import OpenFlow
import Scheduler

/// Connections: the reconnect schedule of the active ones, opening, input and closing.
extension SwitchAgent {
    /// The connection to controller `index` (`AgentSettings.controllers`) the executable
    /// should try now, if one is due; it is then marked as being tried. Call until nil.
    public mutating func nextConnectAttempt(now: Instant) -> Int? {
        for index in connectors.indices {
            if let wakeup = connectors[index].wakeup, wakeup <= now {
                connectors[index].state = .connecting
                return index
            }
        }
        return nil
    }

    /// An attempt to reach controller `index` failed: it is retried after the backoff.
    public mutating func connectFailed(controller index: Int, now: Instant) {
        guard connectors.indices.contains(index), connectors[index].state == .connecting else { return }
        connectors[index].retry(now: now, maximum: settings.reconnectMaximum)
        // The host names the controller and the reason; this only marks the retry.
        log(.debug, "controller " + String(index) + " unreachable; retrying")
    }

    /// A new connection: queues our HELLO. An id already open is ignored. `peer`
    /// ("127.0.0.1:40522") names a passive one in the logs; an active one is named by
    /// its target in `AgentSettings.controllers`.
    public mutating func connectionOpened(_ id: ChannelID, role: ChannelRole, peer: String? = nil, now: Instant) {
        guard sessionIndex(id) == nil else { return }
        if case .active(let index) = role, connectors.indices.contains(index) {
            connectors[index].state = .connected(id)
        }
        sessions.append(AgentSession(id: id, role: role, peer: peer, now: now, settings: settings))
        let last = sessions.count - 1
        write(OpenFlowChannel.hello(xid: nextXID()), to: last)
    }

    /// Bytes read from a connection, in any segmentation. Requests are answered in
    /// order; frames they produce (PACKET_OUT, FLOW_MOD with a buffer) are in
    /// `transmissions` afterwards.
    public mutating func receive(_ id: ChannelID, _ bytes: ArraySlice<UInt8>, now: Instant) {
        datapath.clearTransmissions()
        guard let index = acceptInput(id, now: now) else { return }
        sessions[index].framer.append(bytes)
        process(index, now: now)
    }

    public mutating func receive(_ id: ChannelID, _ bytes: UnsafeRawBufferPointer, now: Instant) {
        datapath.clearTransmissions()
        guard let index = acceptInput(id, now: now) else { return }
        sessions[index].framer.append(bytes)
        process(index, now: now)
    }

    /// The connection is gone (the peer closed it, or the I/O layer did after
    /// `nextClosure`). An active one is retried after the backoff.
    public mutating func connectionClosed(_ id: ChannelID, now: Instant) {
        guard let index = sessionIndex(id) else { return }
        let session = sessions.remove(at: index)
        if case .active(let controller) = session.role, connectors.indices.contains(controller),
            connectors[controller].state == .connected(id)
        {
            connectors[controller].retry(now: now, maximum: settings.reconnectMaximum)
        }
        if !session.channel.isClosing { log(.info, session.name + " closed by peer") }
        updateMode()
    }

    /// The next connection the agent wants closed, once its queued output (an error
    /// explaining why, say) is flushed as far as the socket allows.
    public mutating func nextClosure() -> ChannelID? {
        while !closures.isEmpty {
            let id = closures.removeFirst()
            if sessionIndex(id) != nil { return id }
        }
        return nil
    }

    /// The index of a connection whose input is still wanted, its clock reset.
    private mutating func acceptInput(_ id: ChannelID, now: Instant) -> Int? {
        guard let index = sessionIndex(id), !sessions[index].channel.isClosing else { return nil }
        sessions[index].channel.inputArrived(now: now)
        return index
    }
}
