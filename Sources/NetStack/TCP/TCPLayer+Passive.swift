import Scheduler
import Wire

/// Segments that match no connection: SYNs for listeners (RFC 9293 3.10.7.2), resets
/// for closed ports (3.10.7.1), and a new SYN reusing a 4-tuple in TIME_WAIT.
extension TCPLayer {
    func isNewSynForTimeWait(_ slot: Int, _ header: TCPHeader) -> Bool {
        let flags = header.flags
        guard table.slots[slot].state == .timeWait,
            flags & (TCPHeader.Flags.syn | TCPHeader.Flags.ack | TCPHeader.Flags.rst) == TCPHeader.Flags.syn,
            listeners.contains(where: { $0.port == header.destinationPort })
        else { return false }
        // As Linux (and RFC 6191 without timestamps): only a SYN beyond the old connection.
        return table.slots[slot].receiveNext < TCPSequenceNumber(header.sequenceNumber)
    }

    mutating func receiveOnListener(_ listener: Int, _ header: TCPHeader, source: IPv4Address, destination: IPv4Address, now: Instant) {
        let flags = header.flags
        if flags & TCPHeader.Flags.rst != 0 { return }
        if flags & TCPHeader.Flags.ack != 0 {
            let isCookie = flags & TCPHeader.Flags.syn == 0 && limits.synCookies
                && acceptCookie(listener, header, source: source, destination: destination, now: now)
            if !isCookie { refuse(header, source: source, destination: destination) }
            return
        }
        guard flags & TCPHeader.Flags.syn != 0 else { return }
        let full = listeners[listener].pending >= limits.synBacklog || !table.hasFreeSlot
        if full, limits.synCookies {
            sendCookie(listener, header, source: source, destination: destination, now: now)
            return
        }
        guard !full || evictHalfOpen(of: listener, startingAt: Int(header.sequenceNumber), now: now),
            let slot = table.allocate()
        else {
            effects.counters.synDropped &+= 1
            return
        }
        startConnection(slot, local: destination, localPort: header.destinationPort, remote: source, remotePort: header.sourcePort, now: now)
        let sequence = TCPSequenceNumber(header.sequenceNumber)
        table.slots[slot].state = .synReceived
        table.slots[slot].listenerPort = listeners[listener].port
        table.slots[slot].countedHalfOpen = true
        listeners[listener].halfOpen &+= 1
        table.slots[slot].irs = sequence
        table.slots[slot].receiveNext = sequence + 1
        table.slots[slot].acceptSynOptions(TCPOptions(parsing: header.options), weOffered: true, now: now, limits: limits)
        table.slots[slot].sendWindow = Int(header.window)
        table.slots[slot].maxSendWindow = Int(header.window)
        table.slots[slot].windowUpdateSequence = sequence
        table.slots[slot].noteHeard(now: now)
        settle(slot, now: now)
    }

    /// A full backlog under a SYN flood: one half-open connection of the listener, picked
    /// from a point the new SYN decides, is dropped without a word to make room, so a real
    /// client's SYN still gets its SYN-ACK while spoofed ones wait out their retries (an
    /// attacker cannot keep any one slot). False when every entry is an accepted
    /// connection waiting for the application: then the SYN is dropped.
    mutating func evictHalfOpen(of listener: Int, startingAt start: Int, now: Instant) -> Bool {
        let port = listeners[listener].port
        let count = table.slots.count
        guard count > 0 else { return false }
        let first = (start % count + count) % count
        for step in 0..<count {
            let slot = (first &+ step) % count
            guard table.slots[slot].state == .synReceived, table.slots[slot].countedHalfOpen,
                table.slots[slot].listenerPort == port
            else { continue }
            table.slots[slot].enterClosed(.aborted)
            settle(slot, now: now, mayHaveOutput: false)
            effects.counters.synDropped &+= 1
            return true
        }
        return false
    }

    /// The reset for a segment nobody takes (RFC 9293 3.10.7.1); a RST itself gets none.
    mutating func refuse(_ header: TCPHeader, source: IPv4Address, destination: IPv4Address) {
        let flags = header.flags
        guard flags & TCPHeader.Flags.rst == 0 else { return }
        var reset = TCPReset(
            source: destination, destination: source, sourcePort: header.destinationPort, destinationPort: header.sourcePort,
            sequence: TCPSequenceNumber(0), acknowledgment: TCPSequenceNumber(0), flags: TCPHeader.Flags.rst)
        if flags & TCPHeader.Flags.ack != 0 {
            reset.sequence = TCPSequenceNumber(header.acknowledgmentNumber)
        } else {
            var length = header.payload.count
            if flags & TCPHeader.Flags.syn != 0 { length &+= 1 }
            if flags & TCPHeader.Flags.fin != 0 { length &+= 1 }
            reset.acknowledgment = TCPSequenceNumber(header.sequenceNumber) + length
            reset.flags |= TCPHeader.Flags.ack
        }
        effects.queueReset(reset)
    }

    /// A passive open finished its handshake: it waits for `accept`.
    mutating func queueForAccept(_ slot: Int) {
        guard let l = listenerIndex(of: slot) else {
            abortSlot(slot)
            return
        }
        table.slots[slot].queuedForAccept = true
        listeners[l].enqueue(table.slots[slot].handle)
        effects.events.append(.acceptable(TCPListenerID(port: listeners[l].port)))
    }

    /// Sends the RST the state calls for and closes the slot without waiting.
    mutating func abortSlot(_ slot: Int) {
        if let reset = table.slots[slot].abortReset { effects.queueReset(reset) }
        table.slots[slot].enterClosed(.aborted)
    }
}
