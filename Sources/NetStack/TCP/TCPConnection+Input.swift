import Scheduler
import Wire

/// Segment arrival (RFC 9293 section 3.10.7), with the RFC 5961 defences against blind
/// resets, SYNs and data.
extension TCPConnection {
    /// Processes one segment for this connection (checksum verified, header parsed).
    mutating func process(_ header: TCPHeader, now: Instant, limits: TCPLimits, effects: inout TCPEffects) {
        let options = header.headerLength > TCPHeader.minimumLength ? TCPOptions(parsing: header.options) : TCPOptions()
        switch state {
        case .closed, .listen:
            return
        case .synSent:
            processInSynSent(header, options, now: now, limits: limits, effects: &effects)
        default:
            processSynchronized(header, options, now: now, limits: limits, effects: &effects)
        }
    }

    private mutating func processInSynSent(_ header: TCPHeader, _ options: TCPOptions, now: Instant, limits: TCPLimits, effects: inout TCPEffects) {
        let flags = header.flags
        let sequence = TCPSequenceNumber(header.sequenceNumber)
        let ack = TCPSequenceNumber(header.acknowledgmentNumber)
        let hasAck = flags & TCPHeader.Flags.ack != 0
        if hasAck, !(iss < ack) || sendMax < ack {
            if flags & TCPHeader.Flags.rst == 0 { effects.queueReset(reset(sequence: ack)) }
            return
        }
        if flags & TCPHeader.Flags.rst != 0 {
            // RFC 5961 3.2: only a RST acknowledging our SYN is believed here.
            if hasAck { enterClosed(.refused) }
            return
        }
        guard flags & TCPHeader.Flags.syn != 0 else { return }
        irs = sequence
        receiveNext = sequence + 1
        acceptSynOptions(options, weOffered: true, now: now, limits: limits)
        sendWindow = Int(header.window)
        maxSendWindow = sendWindow
        windowUpdateSequence = sequence
        windowUpdateAck = ack
        noteHeard(now: now)
        if hasAck {
            sendUnacknowledged = ack
            sampleRoundTrip(ack: ack, echo: options.timestamp?.echo, now: now)
            retransmissions = 0
            retransmitDeadline = nil
            state = finQueued ? .finWait1 : .established
            ackNow = true
            notify(.connected(handle), &effects)
        } else {
            // Simultaneous open: answer with SYN-ACK from the same ISS.
            state = .synReceived
            sendNext = iss
            timedSequence = nil
        }
    }

    private mutating func processSynchronized(_ header: TCPHeader, _ options: TCPOptions, now: Instant, limits: TCPLimits, effects: inout TCPEffects) {
        let flags = header.flags
        var sequence = TCPSequenceNumber(header.sequenceNumber)
        let ack = TCPSequenceNumber(header.acknowledgmentNumber)
        let hasAck = flags & TCPHeader.Flags.ack != 0
        var hasSyn = flags & TCPHeader.Flags.syn != 0
        let hasFin = flags & TCPHeader.Flags.fin != 0
        let payload = header.payload

        if state == .synReceived, hasSyn, sequence + 1 == receiveNext, flags & TCPHeader.Flags.rst == 0 {
            if hasAck, iss < ack, !(sendMax < ack) {
                // The SYN-ACK of a simultaneous open: keep its ACK, drop its SYN.
                hasSyn = false
                sequence = receiveNext
            } else {
                // The peer's SYN again: our SYN-ACK was lost.
                sendNext = iss
                return
            }
        }

        // 1. Sequence number check.
        let window = receive.window
        let length = payload.count &+ (hasSyn ? 1 : 0) &+ (hasFin ? 1 : 0)
        if flags & TCPHeader.Flags.rst != 0 {
            processReset(sequence: sequence, window: window, now: now, effects: &effects)
            return
        }
        // RFC 7323 5.3 R1: PAWS. A segment without the option is taken, as Linux does
        // (RFC 7323 3.2 allows dropping it), rather than stall on a stripping middlebox.
        let timestamp = timestamps.enabled ? options.timestamp : nil
        if let timestamp, timestamps.isOld(timestamp.value, now: now),
            !isReorderedDuplicateAck(header, sequence: sequence, ack: ack, length: length, value: timestamp.value)
        {
            effects.counters.pawsDrops &+= 1
            acknowledgeUnacceptable(carriesData: !payload.isEmpty, now: now, limits: limits, effects: &effects)
            return
        }
        if !isAcceptable(sequence: sequence, length: length, window: window) {
            effects.counters.outOfWindow &+= 1
            acknowledgeUnacceptable(carriesData: !payload.isEmpty, now: now, limits: limits, effects: &effects)
            if state == .timeWait, hasFin { enterTimeWait(now: now, limits: limits) }
            return
        }
        if let timestamp { timestamps.noteArrival(timestamp.value, sequence: sequence, now: now) }
        noteHeard(now: now)

        // 4. A SYN in a synchronized state: challenge ACK (RFC 5961 4.2).
        if hasSyn {
            if effects.allowChallengeAck(now: now) { ackNow = true }
            return
        }

        // 5. The ACK field.
        guard hasAck else { return }
        if state == .synReceived {
            guard sendUnacknowledged < ack, !(sendMax < ack) else {
                effects.queueReset(reset(sequence: ack))
                return
            }
            state = finQueued ? .finWait1 : .established
            sendWindow = Int(header.window) << Int(sendScale)
            maxSendWindow = Swift.max(maxSendWindow, sendWindow)
            windowUpdateSequence = sequence
            windowUpdateAck = ack
            if listenerPort != nil { awaitingAccept = true } else { notify(.connected(handle), &effects) }
        }
        guard processAck(header, options, sequence: sequence, ack: ack, length: length, now: now, limits: limits, effects: &effects) else { return }
        if state == .closed { return }

        // 7. Segment text.
        var finInWindow = hasFin
        if !payload.isEmpty {
            finInWindow = processText(payload, sequence: sequence, now: now, limits: limits, effects: &effects) && hasFin
        }

        // 8. FIN.
        if finInWindow {
            let finSequence = sequence + payload.count
            if finSequence == receiveNext {
                processFin(now: now, limits: limits, effects: &effects)
            } else if receiveNext < finSequence, state == .established || state == .finWait1 || state == .finWait2 {
                pendingFin = finSequence
            }
        }
        if let fin = pendingFin, fin == receiveNext, !finReceived {
            processFin(now: now, limits: limits, effects: &effects)
        }
    }

    /// Linux's exception to PAWS (tcp_disordered_ack): a pure duplicate ACK that changes
    /// nothing, overtaken on the way by a later segment and older by at most an RTO, is
    /// let through, so reordering does not cost loss recovery its duplicate ACKs and SACK
    /// blocks. It carries no data, which is what PAWS protects.
    private func isReorderedDuplicateAck(
        _ header: TCPHeader, sequence: TCPSequenceNumber, ack: TCPSequenceNumber, length: Int, value: UInt32
    ) -> Bool {
        guard length == 0, header.flags & TCPHeader.Flags.ack != 0, sequence == receiveNext, ack == sendUnacknowledged,
            Int(header.window) << Int(sendScale) == sendWindow
        else { return false }
        return timestamps.lag(of: value) <= retransmitTimer.rto.nanoseconds / 1_000_000
    }

    /// The RFC 9293 acceptability test, with the zero-window allowance for ACK-only
    /// and exactly-next segments.
    private func isAcceptable(sequence: TCPSequenceNumber, length: Int, window: Int) -> Bool {
        if window == 0 { return sequence == receiveNext }
        let edge = receiveNext + window
        if length == 0 { return sequence.isIn(receiveNext, edge) }
        return sequence.isIn(receiveNext, edge) || (sequence + (length &- 1)).isIn(receiveNext, edge)
    }

    /// Answers an unacceptable segment with an ACK (RFC 9293 3.10.7.4), except that a
    /// data-less one gets at most one per `outOfWindowAckInterval`: data-less segments
    /// are what two stacks out of step would otherwise trade for ever. Segments carrying
    /// data are always answered, as in Linux.
    private mutating func acknowledgeUnacceptable(
        carriesData: Bool, now: Instant, limits: TCPLimits, effects: inout TCPEffects
    ) {
        if !carriesData, let last = lastOutOfWindowAck, now - last < limits.outOfWindowAckInterval {
            effects.counters.outOfWindowAcksSuppressed &+= 1
            return
        }
        if !carriesData { lastOutOfWindowAck = now }
        ackNow = true
    }

    /// RFC 5961 3.2: a RST is believed only at exactly RCV.NXT; elsewhere in the window it
    /// gets a challenge ACK, outside it is ignored.
    private mutating func processReset(sequence: TCPSequenceNumber, window: Int, now: Instant, effects: inout TCPEffects) {
        guard sequence.isIn(receiveNext, receiveNext + Swift.max(window, 1)) else { return }
        guard sequence == receiveNext else {
            if effects.allowChallengeAck(now: now) { ackNow = true }
            return
        }
        switch state {
        case .synReceived:
            enterClosed(listenerPort == nil ? .refused : .reset)
        case .timeWait:
            enterClosed(.normal)
        default:
            enterClosed(.reset)
        }
    }

    /// Step 5 for every synchronized state; false when the segment is to be dropped.
    private mutating func processAck(
        _ header: TCPHeader, _ options: TCPOptions, sequence: TCPSequenceNumber, ack: TCPSequenceNumber, length: Int,
        now: Instant, limits: TCPLimits, effects: inout TCPEffects
    ) -> Bool {
        // RFC 5961 5.2: ACKs for data never sent, or older than one window, are answered.
        if sendMax < ack || ack < sendUnacknowledged + (-maxSendWindow) {
            ackNow = true
            return false
        }
        let window = Int(header.window) << Int(sendScale)
        if sendUnacknowledged < ack {
            let acked = ack - sendUnacknowledged
            sendUnacknowledged = ack
            if sendNext < ack { sendNext = ack }
            _ = send.acknowledge(upTo: ack)
            sampleRoundTrip(ack: ack, echo: timestamps.enabled ? options.timestamp?.echo : nil, now: now)
            retransmissions = 0
            persistBackoff = 0
            retransmitDeadline = nil
            if congestion.acknowledged(acked, ack: ack, inFlight: sendMax - ack) {
                retransmitFirst = true
            }
            if wantsWritable, send.free &* 3 >= send.capacity, !finQueued {
                wantsWritable = false
                notify(.writable(handle), &effects)
            }
        } else if !selectiveAck, ack == sendUnacknowledged, length == 0, window == sendWindow, inFlight > 0 {
            if congestion.duplicateAck(ack: ack, inFlight: sendMax - ack, sendMax: sendMax) {
                retransmitFirst = true
                effects.counters.fastRetransmits &+= 1
            }
        }
        if selectiveAck, ack == sendUnacknowledged, processSackBlocks(options.sack) {
            effects.counters.fastRetransmits &+= 1
            effects.counters.sackRecoveries &+= 1
        }
        if windowUpdateSequence < sequence || (windowUpdateSequence == sequence && !(ack < windowUpdateAck)) {
            sendWindow = window
            maxSendWindow = Swift.max(maxSendWindow, window)
            windowUpdateSequence = sequence
            windowUpdateAck = ack
        }
        switch state {
        case .finWait1 where finAcknowledged:
            state = .finWait2
        case .closing where finAcknowledged:
            enterTimeWait(now: now, limits: limits)
        case .lastAck where finAcknowledged:
            enterClosed(.normal)
        default:
            break
        }
        return true
    }

    /// Step 7: stores in-window bytes; returns whether the segment's end was inside the
    /// window (so a FIN after it counts).
    private mutating func processText(
        _ payload: ArraySlice<UInt8>, sequence: TCPSequenceNumber, now: Instant, limits: TCPLimits, effects: inout TCPEffects
    ) -> Bool {
        guard state == .established || state == .finWait1 || state == .finWait2 else { return false }
        var offset = sequence - receiveNext
        var start = payload.startIndex
        var count = payload.count
        if offset < 0 {
            start &-= offset
            count &+= offset
            offset = 0
        }
        let room = receive.window &- offset
        let wholeFits = count <= room
        if !wholeFits { count = Swift.max(room, 0) }
        guard count > 0 else {
            ackNow = true
            return wholeFits
        }
        let hadGap = !receive.outOfOrder.isEmpty
        let result = payload[start..<(start &+ count)].withUnsafeBytes { receive.store($0, at: offset) }
        switch result {
        case .advanced(let advance):
            receiveNext = receiveNext + advance
            if appClosed { receive.discard() }
            unacknowledgedBytes &+= advance
            if hadGap || !wholeFits || unacknowledgedBytes >= 2 &* segmentData {
                ackNow = true
            } else if delayedAckDeadline == nil {
                delayedAckDeadline = now + limits.delayedAck
            }
            if receive.readable > 0, !readableReported, appOwned {
                readableReported = true
                notify(.readable(handle), &effects)
            }
        case .queued:
            ackNow = true  // a duplicate ACK tells the sender about the hole (RFC 5681 4.2)
        case .dropped:
            effects.counters.outOfOrderDropped &+= 1
            ackNow = true
        }
        return wholeFits
    }

    private mutating func processFin(now: Instant, limits: TCPLimits, effects: inout TCPEffects) {
        receiveNext = receiveNext + 1
        finReceived = true
        pendingFin = nil
        ackNow = true
        notify(.peerClosed(handle), &effects)
        switch state {
        case .synReceived, .established:
            state = .closeWait
        case .finWait1:
            if finAcknowledged { enterTimeWait(now: now, limits: limits) } else { state = .closing }
        case .finWait2:
            enterTimeWait(now: now, limits: limits)
        default:
            break
        }
    }

    /// One round-trip sample per flight, when the ACK passes the timed segment. With
    /// timestamps the ACK's TSecr gives the time (RFC 7323 4.1, retransmissions included);
    /// without, the timed segment was sent once (Karn), so its ACK measures the path.
    mutating func sampleRoundTrip(ack: TCPSequenceNumber, echo: UInt32?, now: Instant) {
        guard let timed = timedSequence, !(ack < timed) else { return }
        timedSequence = nil
        if !timestamps.enabled {
            retransmitTimer.sample(now - timedAt)
        } else if let echo, let rtt = timestamps.roundTrip(echo: echo, now: now) {
            retransmitTimer.sample(rtt)
        }
    }

    /// Something arrived from the peer: it is alive (keepalive, probes).
    mutating func noteHeard(now: Instant) {
        unansweredProbes = 0
        keepAlivesSent = 0
        if let idle = keepAliveIdle { keepAliveDeadline = now + idle }
    }
}
