import Scheduler
import Wire

/// The whole TCP of one stack: listeners, connections, timers. Sans-IO: segments and
/// `now` in, segments and events out. Every structure is sized at init or when a slot is
/// first used, so steady traffic allocates nothing.
public struct TCPLayer {
    public let limits: TCPLimits
    var table: TCPConnectionTable
    var timers: TCPTimerQueue
    var ready: TCPReadyList
    var effects: TCPEffects
    var listeners: [TCPListener] = []
    let initialSequence: TCPInitialSequence
    let synCookie: TCPSynCookie
    /// Buffers of connections in TIME_WAIT or closed, for the next connection.
    var sendPool: [TCPSendBuffer] = []
    var receivePool: [TCPReceiveBuffer] = []
    /// Where the next ephemeral port search starts.
    var ephemeralCursor: Int
    /// The latest `now` passed in: the application's calls carry no time, and timers
    /// they arm start from here.
    var clock = Instant.zero

    static let ephemeralPorts = 49152...65535

    public init(limits: TCPLimits = TCPLimits(), seed: UInt64) {
        self.limits = limits
        table = TCPConnectionTable(limits: limits, seed: seed)
        timers = TCPTimerQueue(slots: table.capacity)
        ready = TCPReadyList(slots: table.capacity)
        effects = TCPEffects(resetCapacity: limits.pendingResets, challengeAckLimit: limits.challengeAcksPerSecond)
        initialSequence = TCPInitialSequence(seed: seed)
        synCookie = TCPSynCookie(seed: seed)
        sendPool.reserveCapacity(table.capacity)
        receivePool.reserveCapacity(table.capacity)
        var state = seed
        ephemeralCursor = Int(splitMix(&state) % UInt64(Self.ephemeralPorts.count))
    }

    public var counters: TCPCounters { effects.counters }

    // MARK: From the IP layer

    /// A TCP segment addressed to us (IP header already removed; checksum not yet checked).
    public mutating func receive(source: IPv4Address, destination: IPv4Address, segment: ArraySlice<UInt8>, now: Instant) {
        advanceClock(now)
        effects.counters.segmentsReceived &+= 1
        guard let header = try? TCPHeader(segment), header.sourcePort != 0, header.destinationPort != 0 else {
            effects.counters.malformed &+= 1
            return
        }
        let pseudo = InternetChecksum.pseudoHeaderSum(source: source, destination: destination, protocol: 6, length: segment.count)
        guard InternetChecksum.sum(segment, initial: pseudo) == 0xFFFF else {
            effects.counters.badChecksum &+= 1
            return
        }
        if let slot = table.find(local: destination, localPort: header.destinationPort, remote: source, remotePort: header.sourcePort) {
            if isNewSynForTimeWait(slot, header) {
                free(slot)
            } else {
                table.slots[slot].process(header, now: now, limits: limits, effects: &effects)
                settle(slot, now: now)
                return
            }
        }
        if let listener = listeners.firstIndex(where: { $0.port == header.destinationPort }) {
            receiveOnListener(listener, header, source: source, destination: destination, now: now)
        } else {
            refuse(header, source: source, destination: destination)
        }
    }

    /// Writes the next segment to send into `buffer` (at least `limits.mss + 60` bytes);
    /// nil when nothing is due. With `largestSegment` (a TCP segment, header included)
    /// above the MSS, new bulk data may go out in one segment of up to that size and of
    /// whole MSS-sized pieces, for a device that cuts it up (`TCPOutgoing.segmentSize`).
    public mutating func nextSegment(now: Instant, into buffer: UnsafeMutableRawBufferPointer, largestSegment: Int = 0) -> TCPOutgoing? {
        advanceClock(now)
        // Room for the largest header (40 option bytes); data is cut to what fits.
        guard buffer.count >= TCPHeader.minimumLength + 40 else { return nil }
        if let reset = effects.resets.popFirst() {
            let header = TCPSegmentHeader(
                sourcePort: reset.sourcePort, destinationPort: reset.destinationPort, sequence: reset.sequence,
                acknowledgment: reset.acknowledgment, flags: reset.flags, window: reset.window, mss: reset.mss)
            let length = TCPSegmentWriter.writeHeader(header, into: buffer)
            TCPSegmentWriter.finish(buffer, length: length, source: reset.source, destination: reset.destination)
            effects.counters.segmentsSent &+= 1
            return TCPOutgoing(source: reset.source, destination: reset.destination, length: length)
        }
        while let slot = ready.popFirst() {
            guard table.live[slot] else { continue }
            var pieces = 0
            let written = table.slots[slot].writeSegment(
                now: now, limits: limits, largestSegment: largestSegment, into: buffer, counters: &effects.counters, pieceSize: &pieces)
            settle(slot, now: now, mayHaveOutput: written != nil)
            if let written {
                effects.counters.segmentsSent &+= 1
                return TCPOutgoing(
                    source: table.slots[slot].localAddress, destination: table.slots[slot].remoteAddress, length: written,
                    dontFragment: !table.slots[slot].mayFragment, segmentSize: pieces,
                    headerLength: pieces > 0 ? TCPSegmentWriter.headerLength(of: buffer) : 0)
            }
        }
        return nil
    }

    /// The earliest timer (retransmission, delayed ACK, persist, keepalive, TIME_WAIT).
    public var nextDeadline: Instant? { timers.earliest }

    public mutating func tick(now: Instant) {
        advanceClock(now)
        while let slot = timers.due(now: now) {
            table.slots[slot].fireTimers(now: now, limits: limits, effects: &effects)
            settle(slot, now: now)
        }
    }

    /// ICMP destination unreachable about our segment starting at `sequence`. Only a hard
    /// error (protocol or port unreachable) ends a connection, and only one still opening;
    /// net and host unreachable are soft (RFC 1122 4.2.3.9, RFC 5461) and ignored, as is
    /// an error quoting a sequence number not in flight (RFC 5927).
    public mutating func unreachable(
        source: IPv4Address, destination: IPv4Address, sourcePort: UInt16, destinationPort: UInt16, sequence: UInt32, hard: Bool
    ) {
        guard let slot = table.find(local: source, localPort: sourcePort, remote: destination, remotePort: destinationPort),
            table.slots[slot].isInFlight(TCPSequenceNumber(sequence))
        else {
            effects.counters.icmpIgnored &+= 1
            return
        }
        guard hard, table.slots[slot].state == .synSent else { return }
        table.slots[slot].enterClosed(.unreachable)
        settle(slot, now: clock)
    }

    /// ICMP fragmentation needed (RFC 1191) about our segment starting at `sequence`: a
    /// hop takes at most `mtu` bytes. If the segment is in flight (RFC 5927), the
    /// connection's segments shrink to fit and what is in flight is sent again.
    public mutating func fragmentationNeeded(
        source: IPv4Address, destination: IPv4Address, sourcePort: UInt16, destinationPort: UInt16, sequence: UInt32, mtu: Int
    ) {
        guard mtu >= 68, let slot = table.find(local: source, localPort: sourcePort, remote: destination, remotePort: destinationPort),
            table.slots[slot].sendsData, table.slots[slot].isInFlight(TCPSequenceNumber(sequence))
        else {
            effects.counters.icmpIgnored &+= 1
            return
        }
        guard table.slots[slot].lowerPathMTU(mtu) else { return }
        effects.counters.pathMTUDecreases &+= 1
        settle(slot, now: clock)
    }

    // MARK: Internals shared by the extensions

    mutating func advanceClock(_ now: Instant) {
        if clock < now { clock = now }
    }

    /// After anything touched a slot: hand a completed passive open to its listener,
    /// report and free a closed connection, give TIME_WAIT's buffers back, and re-arm the
    /// slot's timers and output.
    mutating func settle(_ slot: Int, now: Instant, mayHaveOutput: Bool = true) {
        if table.slots[slot].countedHalfOpen, table.slots[slot].state != .synReceived {
            table.slots[slot].countedHalfOpen = false
            if let l = listenerIndex(of: slot) { listeners[l].halfOpen &-= 1 }
        }
        if table.slots[slot].awaitingAccept {
            table.slots[slot].awaitingAccept = false
            queueForAccept(slot)
        }
        switch table.slots[slot].state {
        case .closed:
            if table.slots[slot].appOwned, !table.slots[slot].closeReported {
                let reason = table.slots[slot].closeReason
                if reason == .normal, table.slots[slot].receive.readable > 0, !table.slots[slot].appClosed {
                    // Wait for the application to read what is left.
                    timers.set(slot, nil)
                    ready.remove(slot)
                    return
                }
                effects.events.append(.closed(table.slots[slot].handle, reason))
            }
            free(slot)
            return
        case .timeWait where !table.slots[slot].closeReported:
            if table.slots[slot].receive.readable == 0 || table.slots[slot].appClosed {
                table.slots[slot].closeReported = true
                table.slots[slot].notify(.closed(table.slots[slot].handle, .normal), &effects)
                releaseBuffers(slot)
            }
        default:
            break
        }
        table.slots[slot].refreshTimers(now: now, limits: limits)
        timers.set(slot, table.slots[slot].deadline)
        if mayHaveOutput { ready.append(slot) }
    }

    mutating func free(_ slot: Int) {
        if table.slots[slot].countedHalfOpen, let l = listenerIndex(of: slot) { listeners[l].halfOpen &-= 1 }
        if table.slots[slot].queuedForAccept, let l = listenerIndex(of: slot) { listeners[l].remove(table.slots[slot].handle) }
        table.slots[slot].countedHalfOpen = false
        table.slots[slot].queuedForAccept = false
        releaseBuffers(slot)
        timers.set(slot, nil)
        ready.remove(slot)
        table.free(slot)
    }

    /// Puts a connection's buffers in the pools (TIME_WAIT needs none).
    mutating func releaseBuffers(_ slot: Int) {
        if table.slots[slot].send.capacity > 0 {
            var buffer = TCPSendBuffer()
            swap(&buffer, &table.slots[slot].send)
            sendPool.append(buffer)
        }
        if table.slots[slot].receive.capacity > 0 {
            var buffer = TCPReceiveBuffer()
            swap(&buffer, &table.slots[slot].receive)
            receivePool.append(buffer)
        }
    }

    /// Starts a connection in a fresh slot, with pooled buffers if there are any. The ISS
    /// is RFC 6528's unless given (a SYN cookie's).
    mutating func startConnection(
        _ slot: Int, local: IPv4Address, localPort: UInt16, remote: IPv4Address, remotePort: UInt16,
        iss given: TCPSequenceNumber? = nil, now: Instant
    ) {
        if table.slots[slot].send.capacity == 0, let buffer = sendPool.popLast() { table.slots[slot].send = buffer }
        if table.slots[slot].receive.capacity == 0, let buffer = receivePool.popLast() { table.slots[slot].receive = buffer }
        let iss = given ?? initialSequence.isn(local: local, localPort: localPort, remote: remote, remotePort: remotePort, now: now)
        table.slots[slot].start(
            local: local, localPort: localPort, remote: remote, remotePort: remotePort, iss: iss, now: now, limits: limits)
        table.slots[slot].timestamps.offset = initialSequence.timestampOffset(
            local: local, localPort: localPort, remote: remote, remotePort: remotePort)
        table.insert(slot)
    }

    func listenerIndex(of slot: Int) -> Int? {
        guard let port = table.slots[slot].listenerPort else { return nil }
        return listeners.firstIndex { $0.port == port }
    }
}
