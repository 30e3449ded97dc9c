import Scheduler
import Wire

extension DHCPClient {
    /// Writes the waiting message, if any, at the start of `buffer` and says how to
    /// address it. A buffer too small for it (see `maximumMessageSize`) returns nil and
    /// keeps the message waiting.
    public mutating func nextMessage(now: Instant, into buffer: UnsafeMutableRawBufferPointer) -> DHCPOutgoing? {
        guard let pending, let (message, outgoing) = compose(pending, now: now) else {
            self.pending = nil
            return nil
        }
        var writer = ByteWriter(buffer)
        do throws(WireError) {
            try message.write(into: &writer)
        } catch {
            return nil
        }
        self.pending = nil
        counters.transmitted &+= 1
        if message.type == DHCPMessageType.request, requestSentAt == nil { requestSentAt = now }
        if message.type != DHCPMessageType.release, message.type != DHCPMessageType.decline { scheduleRetransmission(now: now) }
        var sent = outgoing
        sent.length = writer.offset
        return sent
    }

    /// Gives the lease back (RFC 2131 section 4.4.6): a RELEASE to its server is left for
    /// `nextMessage`, and the client stays silent until `start`. Without a lease it just
    /// stops. Nothing is retransmitted (the server drops the lease at expiry anyway), so
    /// `now` is unused: it keeps the signature in line with the other inputs.
    public mutating func release(now: Instant) {
        let held = lease
        stop()
        guard let held else { return }
        xid = random.xid()
        pending = .release(address: held.address, server: held.serverIdentifier)
    }

    /// The message for `pending` in the current state, and its IP addressing (length
    /// still zero); nil if the state no longer calls for it.
    private func compose(_ pending: DHCPPendingMessage, now: Instant) -> (DHCPClientMessage, DHCPOutgoing)? {
        var message = DHCPClientMessage(
            type: DHCPMessageType.request, xid: xid, secs: secondsSinceExchangeStart(now),
            broadcast: true, clientAddress: .any, mac: mac, requestedAddress: nil,
            serverIdentifier: nil, hostname: hostname, requestsParameters: true)
        var outgoing = DHCPOutgoing(length: 0, source: .any, destination: .broadcast)
        switch (pending, state) {
        case (.discover, .selecting):
            message.type = DHCPMessageType.discover
        case (.request, .requesting):
            guard let offer else { return nil }
            message.requestedAddress = offer.address
            message.serverIdentifier = offer.server
        case (.request, .renewing), (.request, .rebinding):
            // With an address the server can unicast its reply to ciaddr: no broadcast flag.
            guard let lease else { return nil }
            message.broadcast = false
            message.clientAddress = lease.address
            outgoing.source = lease.address
            if state == .renewing { outgoing.destination = lease.serverIdentifier }
        case (.release(let address, let server), _):
            message.type = DHCPMessageType.release
            message.secs = 0
            message.broadcast = false
            message.clientAddress = address
            message.serverIdentifier = server
            message.hostname = nil
            message.requestsParameters = false
            outgoing.source = address
            outgoing.destination = server
        case (.decline(let address, let server), _):
            // RFC 2131 table 5: no ciaddr (the address is not ours), flags 0, broadcast.
            message.type = DHCPMessageType.decline
            message.secs = 0
            message.broadcast = false
            message.requestedAddress = address
            message.serverIdentifier = server
            message.hostname = nil
            message.requestsParameters = false
        default:
            return nil
        }
        return (message, outgoing)
    }

    private func secondsSinceExchangeStart(_ now: Instant) -> UInt16 {
        UInt16(min((now - exchangeStart).nanoseconds / 1_000_000_000, UInt64(UInt16.max)))
    }
}
