import Scheduler
import Wire

extension DHCPClient {
    /// A UDP payload that arrived on port 68. Anything that is not a reply to the
    /// current exchange is counted and dropped.
    public mutating func receive(payload: ArraySlice<UInt8>, now: Instant) {
        let reply: DHCPReply
        do throws(DHCPReply.Malformed) {
            reply = try DHCPReply(parsing: payload)
        } catch {
            counters.malformed &+= 1
            return
        }
        guard reply.op == DHCPWire.bootReply, reply.hardwareType == DHCPWire.hardwareEthernet,
            reply.hardwareLength == DHCPWire.hardwareLength, reply.clientHardware == mac,
            reply.xid == xid, state != .stopped, state != .initial
        else {
            counters.foreign &+= 1
            return
        }
        switch (state, reply.messageType) {
        case (.selecting, DHCPMessageType.offer):
            takeOffer(reply)
        case (.requesting, DHCPMessageType.ack), (.renewing, DHCPMessageType.ack),
            (.rebinding, DHCPMessageType.ack):
            takeAck(reply, now: now)
        case (.requesting, DHCPMessageType.nak), (.renewing, DHCPMessageType.nak),
            (.rebinding, DHCPMessageType.nak):
            takeNak(reply, now: now)
        default:
            counters.unexpected &+= 1
        }
    }

    /// The first usable OFFER wins (RFC 2131 section 4.4.1 lets the client choose).
    private mutating func takeOffer(_ reply: DHCPReply) {
        let address = reply.yourAddress
        guard address != .any, address != .broadcast, let server = reply.serverIdentifier else {
            counters.unexpected &+= 1
            return
        }
        counters.accepted &+= 1
        offer = DHCPOffer(address: address, server: server)
        state = .requesting
        // The REQUEST keeps the DISCOVER's xid and the start its secs count from
        // (RFC 2131 section 4.4.1).
        beginExchange(now: exchangeStart, xid: xid)
    }

    private mutating func takeAck(_ reply: DHCPReply, now: Instant) {
        if state == .requesting, let offer, let server = reply.serverIdentifier, server != offer.server {
            counters.foreign &+= 1
            return
        }
        let known = state == .requesting ? offer?.server : lease?.serverIdentifier
        guard let granted = DHCPLease(ack: reply, knownServer: known, obtainedAt: requestSentAt ?? now) else {
            counters.unexpected &+= 1
            return
        }
        counters.accepted &+= 1
        let previous = lease?.address
        lease = granted
        offer = nil
        state = .bound
        pending = nil
        retransmitAt = nil
        consecutiveNaks = 0
        emit(previous == granted.address ? .renewed(granted) : .bound(granted))
    }

    /// A NAK ends the lease or offer. In REQUESTING only the chosen server's NAK counts
    /// (others' are for someone else's choice); later any server may refuse.
    private mutating func takeNak(_ reply: DHCPReply, now: Instant) {
        if state == .requesting, let offer, let server = reply.serverIdentifier, server != offer.server {
            counters.foreign &+= 1
            return
        }
        counters.accepted &+= 1
        consecutiveNaks &+= 1
        emit(.lost)
        restart(now: now, after: nakBackoff)
    }

    /// 1 s after the first NAK, doubling to 64 s, so a server that refuses every
    /// REQUEST does not get a DISCOVER storm.
    private var nakBackoff: Interval {
        .seconds(1 << UInt64(min(consecutiveNaks &- 1, 6)))
    }
}
