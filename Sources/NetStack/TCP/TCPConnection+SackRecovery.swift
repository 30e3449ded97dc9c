/// RFC 6675 loss recovery, when both sides agreed to SACK: the peer's blocks fill the
/// scoreboard, loss is declared from it, and during recovery the holes presumed lost
/// are resent first, then new data, while the pipe estimate leaves room in the window.
extension TCPConnection {
    /// Takes the SACK blocks of an ACK not older than SND.UNA (SND.UNA already moved)
    /// and, outside recovery, counts an ACK reporting new SACKed bytes as a duplicate,
    /// cumulative or not (RFC 6675 section 5 step 2; data on it does not matter, the
    /// blocks are the signal). Returns true when recovery starts (step 4).
    mutating func processSackBlocks(_ blocks: TCPSackBlocks) -> Bool {
        let newlySacked = scoreboard.update(una: sendUnacknowledged, sendMax: sendMax, blocks: blocks)
        guard newlySacked > 0, inFlight > 0, !congestion.inFastRecovery else { return false }
        let flight = sendMax - sendUnacknowledged
        var entered = congestion.duplicateAck(ack: sendUnacknowledged, inFlight: flight, sendMax: sendMax)
        if !entered, scoreboard.isLost(sendUnacknowledged, segmentSize: congestion.mss) {
            entered = congestion.enterRecovery(ack: sendUnacknowledged, inFlight: flight, sendMax: sendMax)
        }
        guard entered else { return false }
        // Step 4.3: the segment at SND.UNA goes first, whatever the scoreboard says;
        // HighRxt and RescueRxt move past it when it is written.
        retransmitFirst = true
        highRetransmit = sendUnacknowledged
        rescueRetransmit = sendMax
        return true
    }

    /// In recovery, RFC 6675 NextSeg rules 1, 3 and 4 for one segment, when the window
    /// less the pipe has room for it: the range to resend, nil when new data (rule 2)
    /// goes next or nothing may. `room` is what the window leaves for new data.
    mutating func nextSackRetransmission(segmentSize: Int, room: inout Int) -> (start: TCPSequenceNumber, end: TCPSequenceNumber)? {
        let pipe = scoreboard.pipe(
            una: sendUnacknowledged, highData: sendMax, highRetransmit: highRetransmit, segmentSize: congestion.mss)
        room = congestion.window &- pipe
        guard room >= congestion.mss else {
            room = 0
            return nil
        }
        let from = sendUnacknowledged < highRetransmit ? highRetransmit : sendUnacknowledged
        if let hole = scoreboard.firstHole(from: from, una: sendUnacknowledged, lostOnly: true, segmentSize: congestion.mss) {
            return take(hole, segmentSize: segmentSize)
        }
        // Rule 2: new data the peer's window takes goes before rules 3 and 4.
        if send.end - sendMax > 0, sendWindow &- (sendMax - sendUnacknowledged) > 0 { return nil }
        if let hole = scoreboard.firstHole(from: from, una: sendUnacknowledged, lostOnly: false, segmentSize: congestion.mss) {
            return take(hole, segmentSize: segmentSize)
        }
        // Rule 4: one rescue retransmission of the highest unSACKed bytes per recovery,
        // for a lost tail no SACK can reveal; HighRxt stays where it is. Unlike the RFC,
        // not when those bytes were already resent in this recovery: that is the
        // retransmission timer's case, and here it would only duplicate them.
        guard !(sendUnacknowledged < rescueRetransmit), let hole = scoreboard.highestHole(una: sendUnacknowledged, highData: sendMax),
            highRetransmit < hole.end
        else { return nil }
        rescueRetransmit = congestion.recover
        let start = hole.end + (-segmentSize)
        return (hole.start < start ? start : hole.start, hole.end)
    }

    /// One segment from the start of `hole`; HighRxt moves past it (RFC 6675 step C.2).
    private mutating func take(_ hole: (start: TCPSequenceNumber, end: TCPSequenceNumber), segmentSize: Int) -> (start: TCPSequenceNumber, end: TCPSequenceNumber) {
        let end = hole.end - hole.start > segmentSize ? hole.start + segmentSize : hole.end
        highRetransmit = end
        return (hole.start, end)
    }
}
