import Scheduler
import Wire

/// The application's side of the layer: listening, opening, the data calls, closing.
extension TCPLayer {
    public mutating func listen(port: UInt16) throws(TCPError) -> TCPListenerID {
        guard port != 0, !listeners.contains(where: { $0.port == port }) else { throw .portInUse }
        listeners.append(TCPListener(port: port, backlog: limits.synBacklog))
        return TCPListenerID(port: port)
    }

    /// Stops accepting; connections not yet accepted are reset.
    public mutating func stopListening(_ listener: TCPListenerID) {
        guard listeners.contains(where: { $0.port == listener.port }) else { return }
        for slot in 0..<table.capacity where table.live[slot] {
            if table.slots[slot].listenerPort == listener.port, !table.slots[slot].appOwned {
                abortSlot(slot)
                settle(slot, now: clock)
            }
        }
        listeners.removeAll { $0.port == listener.port }
    }

    public mutating func accept(_ listener: TCPListenerID) -> TCPHandle? {
        guard let l = listeners.firstIndex(where: { $0.port == listener.port }),
            let handle = listeners[l].dequeue(), let slot = table.slot(for: handle)
        else { return nil }
        table.slots[slot].queuedForAccept = false
        table.slots[slot].appOwned = true
        if table.slots[slot].receive.readable > 0 {
            table.slots[slot].readableReported = true
            effects.events.append(.readable(handle))
        }
        if table.slots[slot].finReceived { effects.events.append(.peerClosed(handle)) }
        return handle
    }

    /// Opens a connection from an ephemeral port (RFC 6056: the search starts at a
    /// seeded cursor; a port is skipped only if it is listening or already carries a
    /// connection to the same remote address and port).
    public mutating func connect(from local: IPv4Address, to remote: IPv4Address, port: UInt16, now: Instant) throws(TCPError) -> TCPHandle {
        guard table.hasFreeSlot else { throw .connectionLimit }
        let range = Self.ephemeralPorts
        var chosen: UInt16?
        for step in 0..<range.count {
            let candidate = UInt16(range.lowerBound &+ (ephemeralCursor &+ step) % range.count)
            if listeners.contains(where: { $0.port == candidate }) { continue }
            if table.find(local: local, localPort: candidate, remote: remote, remotePort: port) != nil { continue }
            chosen = candidate
            ephemeralCursor = (ephemeralCursor &+ step &+ 1) % range.count
            break
        }
        guard let localPort = chosen else { throw .noFreePort }
        return try connect(from: local, port: localPort, to: remote, port: port, now: now)
    }

    /// Opens a connection from a chosen local port (as bind before connect; a
    /// simultaneous open needs both ends to know each other's port).
    public mutating func connect(
        from local: IPv4Address, port localPort: UInt16, to remote: IPv4Address, port: UInt16, now: Instant
    ) throws(TCPError) -> TCPHandle {
        advanceClock(now)
        guard table.find(local: local, localPort: localPort, remote: remote, remotePort: port) == nil else { throw .portInUse }
        guard let slot = table.allocate() else { throw .connectionLimit }
        startConnection(slot, local: local, localPort: localPort, remote: remote, remotePort: port, now: now)
        table.slots[slot].state = .synSent
        table.slots[slot].appOwned = true
        settle(slot, now: now)
        return table.slots[slot].handle
    }

    /// Copies as much of `bytes` as the send buffer takes; returns how much.
    public mutating func send(_ handle: TCPHandle, _ bytes: UnsafeRawBufferPointer) throws(TCPError) -> Int {
        guard let slot = usable(handle) else { throw .invalidHandle }
        let taken = try table.slots[slot].write(bytes)
        if taken > 0 { ready.append(slot) }
        return taken
    }

    /// Copies received bytes out; 0 when none are waiting (see `isReadClosed`).
    public mutating func read(_ handle: TCPHandle, into buffer: UnsafeMutableRawBufferPointer) throws(TCPError) -> Int {
        guard let slot = usable(handle) else { throw .invalidHandle }
        let count = table.slots[slot].read(into: buffer)
        if count > 0 { settle(slot, now: clock, mayHaveOutput: table.slots[slot].ackNow) }
        return count
    }

    /// True once the peer's FIN has been read past.
    public func isReadClosed(_ handle: TCPHandle) -> Bool {
        guard let slot = usable(handle) else { return true }
        return table.slots[slot].isReadClosed
    }

    /// Sends FIN after the buffered data; reads go on.
    public mutating func shutdownWrite(_ handle: TCPHandle) {
        guard let slot = usable(handle) else { return }
        table.slots[slot].shutdownWrite()
        ready.append(slot)
    }

    /// Closes both directions gracefully; the handle stays valid until `.closed`. With
    /// unread bytes waiting, the connection is reset instead, as Linux does.
    public mutating func close(_ handle: TCPHandle) {
        guard let slot = usable(handle) else { return }
        if !table.slots[slot].close() { abortSlot(slot) }
        settle(slot, now: clock)
    }

    /// Sends RST and frees the connection at once (`.closed(handle, .aborted)` follows).
    public mutating func abort(_ handle: TCPHandle) {
        guard let slot = usable(handle) else { return }
        abortSlot(slot)
        settle(slot, now: clock)
    }

    /// The peer's address and port, while the slot holds this connection.
    public func remoteEndpoint(_ handle: TCPHandle) -> (address: IPv4Address, port: UInt16)? {
        table.slot(for: handle).map { (table.slots[$0].remoteAddress, table.slots[$0].remotePort) }
    }

    /// The state while the slot holds this connection (TIME_WAIT included, after `.closed`).
    public func state(_ handle: TCPHandle) -> TCPState? {
        table.slot(for: handle).map { table.slots[$0].state }
    }

    public mutating func nextEvent() -> TCPEvent? { effects.events.popFirst() }

    /// Turns Nagle's algorithm off (true) or on for one connection.
    public mutating func setNoDelay(_ handle: TCPHandle, _ noDelay: Bool) {
        guard let slot = usable(handle) else { return }
        table.slots[slot].noDelay = noDelay
        ready.append(slot)
    }

    /// Sets the keepalive idle time for one connection; nil turns keepalive off.
    public mutating func setKeepAlive(_ handle: TCPHandle, idle: Interval?) {
        guard let slot = usable(handle) else { return }
        table.slots[slot].keepAliveIdle = idle
        table.slots[slot].keepAliveDeadline = nil
    }

    /// The slot of a handle the application may still use (not yet reported closed).
    func usable(_ handle: TCPHandle) -> Int? {
        guard let slot = table.slot(for: handle), table.slots[slot].appOwned, !table.slots[slot].closeReported else { return nil }
        return slot
    }
}
