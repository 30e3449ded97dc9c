import Scheduler
import Wire

/// Choosing and writing the next segment: SYN, retransmission (the holes of RFC 6675
/// recovery first), new data within the congestion and send windows (Nagle,
/// sender-side SWS avoidance), FIN, probes, ACKs.
extension TCPConnection {
    /// Writes at most one segment at the start of `buffer`; returns its length. New data
    /// may go out as one segment of up to `largestSegment` bytes (segmentation offload);
    /// `pieceSize` then says how much payload each wire segment cut from it carries.
    mutating func writeSegment(
        now: Instant, limits: TCPLimits, largestSegment: Int, into buffer: UnsafeMutableRawBufferPointer,
        counters: inout TCPCounters, pieceSize: inout Int
    ) -> Int? {
        switch state {
        case .closed, .listen:
            return nil
        case .synSent, .synReceived:
            if sendNext == iss { return writeSyn(now: now, limits: limits, into: buffer, counters: &counters) }
            return ackNow && state == .synReceived ? writeControl(sequence: sendMax, now: now, into: buffer) : nil
        case .timeWait, .finWait2:
            return ackNow ? writeControl(sequence: sendMax, now: now, into: buffer) : nil
        default:
            break
        }
        // Options come out of the segment's MSS bytes (RFC 6691), so segments fit the MTU.
        let optionBytes = (timestamps.enabled ? TCPTimestampOption.alignedLength : 0) &+ (sackBlockCount > 0 ? 4 &+ 8 &* sackBlockCount : 0)
        let segmentSize = Swift.min(mss &- optionBytes, buffer.count &- TCPHeader.minimumLength &- optionBytes)
        let dataEnd = send.end
        let finSent = finQueued && sendMax == dataEnd + 1

        if retransmitFirst {
            retransmitFirst = false
            let length = Swift.min(segmentSize, Swift.max(dataEnd - sendUnacknowledged, 0))
            let fin = finSent && sendUnacknowledged + length == dataEnd
            if length > 0 || fin {
                if selectiveAck, congestion.inFastRecovery {
                    // RFC 6675 step 4.3: HighRxt and RescueRxt start past this segment.
                    highRetransmit = sendUnacknowledged + length + (fin ? 1 : 0)
                    rescueRetransmit = highRetransmit
                }
                return writeData(sequence: sendUnacknowledged, length: length, fin: fin, now: now, into: buffer, counters: &counters)
            }
        }

        var usable = Swift.min(sendWindow, congestion.window) &- inFlight
        let recovering = selectiveAck && congestion.inFastRecovery
        if recovering {
            // RFC 6675 step C: holes by the scoreboard, then new data, by the pipe.
            var room = 0
            if let range = nextSackRetransmission(segmentSize: segmentSize, room: &room) {
                let length = Swift.max((dataEnd < range.end ? dataEnd : range.end) - range.start, 0)
                let fin = finSent && dataEnd < range.end
                return writeData(sequence: range.start, length: length, fin: fin, now: now, into: buffer, counters: &counters)
            }
            usable = Swift.min(sendWindow &- inFlight, room)
        }
        let unsent = dataEnd - sendNext
        if unsent > 0 {
            let length = Swift.min(unsent, segmentSize, Swift.max(usable, 0))
            if length > 0, forceSend || recovering || sendNext < sendMax || sendAllowed(length: length, unsent: unsent, segmentSize: segmentSize) {
                forceSend = false
                // Only first transmissions grow: retransmissions stay MSS-sized.
                let bulk = Swift.min(largestSegment, buffer.count) &- TCPHeader.minimumLength &- optionBytes
                let total = length == segmentSize && !recovering && sendNext == sendMax && bulk > segmentSize
                    ? bulkLength(unsent: unsent, usable: usable, segmentSize: segmentSize, bulk: bulk) : length
                if total > segmentSize { pieceSize = segmentSize }
                return writeData(
                    sequence: sendNext, length: total, fin: finQueued && total == unsent, partialChecksum: total > segmentSize, now: now,
                    into: buffer, counters: &counters)
            }
            if forceSend, inFlight == 0 {
                // The window is closed: an ACK with an old sequence number makes the
                // peer report its window (a zero-window probe, as Linux sends it).
                forceSend = false
                probe = true
            }
        } else if finQueued, sendNext == dataEnd {
            return writeData(sequence: sendNext, length: 0, fin: true, now: now, into: buffer, counters: &counters)
        }
        if probe {
            probe = false
            return writeControl(sequence: sendUnacknowledged + (-1), now: now, into: buffer)
        }
        return ackNow ? writeControl(sequence: sendMax, now: now, into: buffer) : nil
    }

    /// How much of the data a full segment could go with fits one large segment for the
    /// device to cut up: whole segments within the windows and `bulk`, plus the short
    /// tail when it ends the data and would go at once anyway (Nagle off, or FIN).
    private func bulkLength(unsent: Int, usable: Int, segmentSize: Int, bulk: Int) -> Int {
        let most = Swift.min(unsent, usable, bulk)
        if most == unsent, noDelay || finQueued { return most }
        return most / segmentSize &* segmentSize
    }

    /// Nagle (RFC 896) and sender SWS avoidance (RFC 1122 4.2.3.4): send a full segment,
    /// or everything buffered when nothing is unacknowledged (or Nagle is off, or the
    /// FIN follows), or at least half the largest window the peer offered.
    private func sendAllowed(length: Int, unsent: Int, segmentSize: Int) -> Bool {
        if length == segmentSize { return true }
        let idle = inFlight == 0 || noDelay || finQueued
        if length == unsent { return idle }
        return idle && maxSendWindow > 0 && length >= maxSendWindow / 2
    }

    private mutating func writeSyn(now: Instant, limits: TCPLimits, into buffer: UnsafeMutableRawBufferPointer, counters: inout TCPCounters) -> Int? {
        let passive = state == .synReceived
        let offerScale = passive ? scaling : true
        let offerTimestamps = passive ? timestamps.enabled : limits.timestamps
        if passive { timestamps.lastAckSent = receiveNext }
        let header = TCPSegmentHeader(
            sourcePort: localPort, destinationPort: remotePort, sequence: iss,
            acknowledgment: passive ? receiveNext : TCPSequenceNumber(0),
            flags: TCPHeader.Flags.syn | (passive ? TCPHeader.Flags.ack : 0),
            window: UInt16(Swift.min(receive.window, 65535)),
            mss: UInt16(clamping: limits.mss), windowScale: offerScale ? limits.windowScale : nil,
            sackPermitted: passive ? selectiveAck : limits.selectiveAck,
            timestamp: offerTimestamps ? TCPTimestampOption(value: timestamps.value(now: now), echo: passive ? timestamps.recent : 0) : nil)
        guard buffer.count >= header.length else { return nil }
        let length = TCPSegmentWriter.writeHeader(header, into: buffer)
        TCPSegmentWriter.finish(buffer, length: length, source: localAddress, destination: remoteAddress)
        noteSent(sequence: iss, length: 1, now: now, counters: &counters)
        return length
    }

    /// `partialChecksum` leaves the checksum to the device that cuts the segment up.
    private mutating func writeData(
        sequence: TCPSequenceNumber, length: Int, fin: Bool, partialChecksum: Bool = false, now: Instant,
        into buffer: UnsafeMutableRawBufferPointer, counters: inout TCPCounters
    ) -> Int {
        var flags = TCPHeader.Flags.ack
        if length > 0 { flags |= TCPHeader.Flags.psh }
        if fin { flags |= TCPHeader.Flags.fin }
        let header = TCPSegmentHeader(
            sourcePort: localPort, destinationPort: remotePort, sequence: sequence,
            acknowledgment: receiveNext, flags: flags, window: advertiseWindow(), timestamp: timestampOption(now: now),
            sackBlocks: sackBlockCount)
        let headerLength = TCPSegmentWriter.writeHeader(header, into: buffer)
        writeSackBlocks(header.sackBlocks, headerLength: headerLength, into: buffer)
        if length > 0, let base = buffer.baseAddress {
            send.copy(from: sequence, length: length, into: base + headerLength)
        }
        if partialChecksum {
            TCPSegmentWriter.finishPartially(buffer, length: headerLength &+ length, source: localAddress, destination: remoteAddress)
        } else {
            TCPSegmentWriter.finish(buffer, length: headerLength &+ length, source: localAddress, destination: remoteAddress)
        }
        noteSent(sequence: sequence, length: length &+ (fin ? 1 : 0), now: now, counters: &counters)
        return headerLength &+ length
    }

    /// A segment with no data: an ACK, or a probe with an old sequence number. An ACK
    /// carries SND.MAX, not SND.NXT: after a timeout rewinds SND.NXT, an older number
    /// would fall below the peer's window and the ACK would be dropped (and answered).
    private mutating func writeControl(sequence: TCPSequenceNumber, now: Instant, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let header = TCPSegmentHeader(
            sourcePort: localPort, destinationPort: remotePort, sequence: sequence,
            acknowledgment: receiveNext, flags: TCPHeader.Flags.ack, window: advertiseWindow(), timestamp: timestampOption(now: now),
            sackBlocks: sackBlockCount)
        let length = TCPSegmentWriter.writeHeader(header, into: buffer)
        writeSackBlocks(header.sackBlocks, headerLength: length, into: buffer)
        TCPSegmentWriter.finish(buffer, length: length, source: localAddress, destination: remoteAddress)
        return length
    }

    /// TSval and TSecr (TS.Recent) for every segment once timestamps are agreed.
    private func timestampOption(now: Instant) -> TCPTimestampOption? {
        timestamps.enabled ? TCPTimestampOption(value: timestamps.value(now: now), echo: timestamps.recent) : nil
    }

    /// SACK blocks for the out-of-order ranges, when the peer agreed to SACK (at most 4,
    /// the most the 40 option bytes hold, or 3 beside timestamps).
    private var sackBlockCount: Int {
        selectiveAck ? Swift.min(receive.outOfOrder.count, timestamps.enabled ? 3 : 4) : 0
    }

    /// RFC 2018 section 4: the block holding the latest segment first, then the others
    /// in sequence order.
    private func writeSackBlocks(_ count: Int, headerLength: Int, into buffer: UnsafeMutableRawBufferPointer) {
        guard count > 0 else { return }
        let ranges = receive.outOfOrder
        let recent = receive.recentRange ?? 0
        var offset = headerLength &- 8 &* count
        var written = 0
        var i = -1
        while written < count, i < ranges.count {
            let index = i < 0 ? recent : i
            i &+= 1
            if i > 0, index == recent { continue }
            TCPSegmentWriter.writeSackBlock(
                left: receiveNext + ranges[index].lower, right: receiveNext + ranges[index].upper, at: offset, into: buffer)
            offset &+= 8
            written &+= 1
        }
    }

    /// Moves SND.NXT and SND.MAX past a segment that occupies sequence space, and
    /// times it if it is a first transmission (Karn), or any transmission when timestamps
    /// tell which one an ACK answers.
    private mutating func noteSent(sequence: TCPSequenceNumber, length: Int, now: Instant, counters: inout TCPCounters) {
        let end = sequence + length
        let retransmitted = sequence < sendMax
        if retransmitted { counters.retransmissions &+= 1 }
        if retransmitted, !timestamps.enabled {
            timedSequence = nil
        } else if timedSequence == nil, length > 0 {
            timedSequence = end
            timedAt = now
        }
        if sendNext < end { sendNext = end }
        if sendMax < end { sendMax = end }
    }

    /// The window field: the free receive space, scaled. Sending it acknowledges
    /// everything received, so the pending ACK state is cleared and Last.ACK.sent moves.
    private mutating func advertiseWindow() -> UInt16 {
        timestamps.lastAckSent = receiveNext
        ackNow = false
        unacknowledgedBytes = 0
        delayedAckDeadline = nil
        // TIME_WAIT gave its buffers back: repeat the last window rather than close it.
        let window = receive.capacity > 0 ? receive.window : lastAdvertisedWindow
        let field = Swift.min(window >> Int(receiveScale), 65535)
        lastAdvertisedWindow = field << Int(receiveScale)
        return UInt16(field)
    }
}
