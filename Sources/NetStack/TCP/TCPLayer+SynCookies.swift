import Scheduler
import Wire

/// A listener whose backlog is full answers SYNs with a cookie SYN-ACK and keeps
/// nothing; the ACK that comes back, matching no connection, is checked and becomes an
/// established connection (see `TCPSynCookie`).
extension TCPLayer {
    /// Queues the stateless SYN-ACK for `header` (a SYN to a full listener).
    mutating func sendCookie(_ listener: Int, _ header: TCPHeader, source: IPv4Address, destination: IPv4Address, now: Instant) {
        let clientSequence = TCPSequenceNumber(header.sequenceNumber)
        let offered = Int(TCPOptions(parsing: header.options).mss ?? 536)
        let cookie = synCookie.make(
            local: destination, localPort: header.destinationPort, remote: source, remotePort: header.sourcePort,
            clientSequence: clientSequence, mss: Swift.min(offered, limits.mss), now: now)
        let synAck = TCPReset(
            source: destination, destination: source, sourcePort: header.destinationPort, destinationPort: header.sourcePort,
            sequence: cookie, acknowledgment: clientSequence + 1, flags: TCPHeader.Flags.syn | TCPHeader.Flags.ack,
            window: UInt16(clamping: limits.receiveBuffer), mss: UInt16(clamping: limits.mss))
        guard effects.resets.append(synAck) else {
            effects.counters.synDropped &+= 1
            return
        }
        listeners[listener].cookieCounter = TCPSynCookie.counter(at: now)
        effects.counters.cookiesSent &+= 1
    }

    /// An ACK for a listener that matches no connection: if it returns a valid cookie
    /// (and the listener sent cookies lately), opens the connection and returns true.
    mutating func acceptCookie(_ listener: Int, _ header: TCPHeader, source: IPv4Address, destination: IPv4Address, now: Instant) -> Bool {
        guard let sent = listeners[listener].cookieCounter, TCPSynCookie.counter(at: now) &- sent <= 1 else { return false }
        let clientSequence = TCPSequenceNumber(header.sequenceNumber) + (-1)
        let iss = TCPSequenceNumber(header.acknowledgmentNumber) + (-1)
        guard let mss = synCookie.check(
                iss, local: destination, localPort: header.destinationPort, remote: source, remotePort: header.sourcePort,
                clientSequence: clientSequence, now: now)
        else {
            effects.counters.cookiesRejected &+= 1
            return false
        }
        // A valid cookie with no room left is dropped: the peer's retransmission may find room.
        guard listeners[listener].waiting.count < limits.synBacklog, let slot = table.allocate() else {
            effects.counters.synDropped &+= 1
            return true
        }
        effects.counters.cookiesValidated &+= 1
        startConnection(
            slot, local: destination, localPort: header.destinationPort, remote: source, remotePort: header.sourcePort,
            iss: iss, now: now)
        // As if our SYN-ACK had gone out from this slot: the ACK completes the handshake.
        table.slots[slot].state = .synReceived
        table.slots[slot].listenerPort = listeners[listener].port
        table.slots[slot].sendNext = iss + 1
        table.slots[slot].sendMax = iss + 1
        table.slots[slot].irs = clientSequence
        table.slots[slot].receiveNext = clientSequence + 1
        var options = TCPOptions(parsing: [])
        options.mss = UInt16(mss)
        table.slots[slot].acceptSynOptions(options, weOffered: false, now: now, limits: limits)
        table.slots[slot].windowUpdateSequence = clientSequence
        table.slots[slot].process(header, now: now, limits: limits, effects: &effects)
        settle(slot, now: now)
        return true
    }
}
