/// RFC 5681 congestion control, in bytes, with fast recovery by RFC 6582 NewReno, or by
/// RFC 6675 when the peer sends SACK blocks (`selective`): then the window stays at
/// ssthresh through recovery and the connection sends by its pipe estimate instead of
/// inflating the window for each duplicate ACK.
struct TCPCongestion {
    private(set) var window: Int
    private(set) var slowStartThreshold = Int(Int32.max)
    private(set) var duplicateAcks = 0
    /// SND.MAX when loss recovery began (RFC 6675 RecoveryPoint); recovery ends when it
    /// is acknowledged.
    private(set) var recover: TCPSequenceNumber
    private(set) var inFastRecovery = false
    private(set) var mss: Int
    let selective: Bool

    init(mss: Int, initialSegments: Int, start: TCPSequenceNumber, selective: Bool = false) {
        self.mss = mss
        self.selective = selective
        window = Swift.max(initialSegments, 1) &* mss
        recover = start
    }

    /// New data acknowledged. Returns true when a partial ACK in NewReno fast recovery
    /// asks for the next hole to be retransmitted at once.
    mutating func acknowledged(_ bytes: Int, ack: TCPSequenceNumber, inFlight: Int) -> Bool {
        duplicateAcks = 0
        if inFastRecovery {
            if !(ack < recover) {
                // Full ACK: deflate (RFC 6582 3.2 step 3, option 2).
                window = Swift.min(slowStartThreshold, Swift.max(inFlight, mss) &+ mss)
                inFastRecovery = false
                return false
            }
            // RFC 6675: the scoreboard tells what to resend; the window stays.
            if selective { return false }
            // Partial ACK: deflate by what was acknowledged, add back one segment.
            window = Swift.max(window &- bytes, 0) &+ (bytes >= mss ? mss : 0)
            window = Swift.max(window, mss)
            return true
        }
        if window < slowStartThreshold {
            window &+= Swift.min(bytes, mss)
        } else {
            window &+= Swift.max(mss &* mss / Swift.max(window, 1), 1)
        }
        window = Swift.min(window, 1 << 30)
        return false
    }

    /// A duplicate ACK (RFC 5681 section 2; with SACK, RFC 6675's: one reporting new
    /// SACKed bytes). Returns true on the third, when the first unacknowledged segment is
    /// to be retransmitted (fast retransmit) and recovery begins.
    mutating func duplicateAck(ack: TCPSequenceNumber, inFlight: Int, sendMax: TCPSequenceNumber) -> Bool {
        if inFastRecovery {
            if !selective { window &+= mss }
            return false
        }
        duplicateAcks &+= 1
        guard duplicateAcks == TCPSackScoreboard.duplicateThreshold else { return false }
        return enterRecovery(ack: ack, inFlight: inFlight, sendMax: sendMax)
    }

    /// Loss detected (three duplicate ACKs, or RFC 6675's IsLost(SND.UNA) before them):
    /// halve the window and start recovery; false when this loss belongs to the last one.
    mutating func enterRecovery(ack: TCPSequenceNumber, inFlight: Int, sendMax: TCPSequenceNumber) -> Bool {
        // RFC 6582 section 4: no new recovery for losses from before the last one.
        guard !inFastRecovery, !(ack < recover) else { return false }
        slowStartThreshold = Swift.max(inFlight / 2, 2 &* mss)
        window = selective ? slowStartThreshold : slowStartThreshold &+ 3 &* mss
        recover = sendMax
        inFastRecovery = true
        return true
    }

    /// Path MTU discovery made segments smaller: growth and the floors follow.
    mutating func lowerSegmentSize(_ mss: Int) {
        self.mss = Swift.min(self.mss, mss)
    }

    /// The retransmission timer expired (RFC 5681 eq. 4): back to one segment.
    mutating func timedOut(inFlight: Int, sendMax: TCPSequenceNumber) {
        slowStartThreshold = Swift.max(inFlight / 2, 2 &* mss)
        window = mss
        duplicateAcks = 0
        inFastRecovery = false
        recover = sendMax
    }
}
