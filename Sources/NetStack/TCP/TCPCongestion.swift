/// RFC 5681 congestion control with RFC 6582 NewReno fast recovery, in bytes.
struct TCPCongestion {
    private(set) var window: Int
    private(set) var slowStartThreshold = Int(Int32.max)
    private(set) var duplicateAcks = 0
    /// SND.MAX when loss recovery began; recovery ends when it is acknowledged.
    private(set) var recover: TCPSequenceNumber
    private(set) var inFastRecovery = false
    private(set) var mss: Int

    init(mss: Int, initialSegments: Int, start: TCPSequenceNumber) {
        self.mss = mss
        window = Swift.max(initialSegments, 1) &* mss
        recover = start
    }

    /// New data acknowledged. Returns true when a partial ACK in fast recovery asks for
    /// the next hole to be retransmitted at once.
    mutating func acknowledged(_ bytes: Int, ack: TCPSequenceNumber, inFlight: Int) -> Bool {
        duplicateAcks = 0
        if inFastRecovery {
            if !(ack < recover) {
                // Full ACK: deflate (RFC 6582 3.2 step 3, option 2).
                window = Swift.min(slowStartThreshold, Swift.max(inFlight, mss) &+ mss)
                inFastRecovery = false
                return false
            }
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

    /// A duplicate ACK (RFC 5681 section 2). Returns true on the third, when the first
    /// unacknowledged segment is to be retransmitted (fast retransmit).
    mutating func duplicateAck(ack: TCPSequenceNumber, inFlight: Int, sendMax: TCPSequenceNumber) -> Bool {
        if inFastRecovery {
            window &+= mss
            return false
        }
        duplicateAcks &+= 1
        // RFC 6582 section 4: no new recovery for losses from before the last one.
        guard duplicateAcks == 3, !(ack < recover) else { return false }
        slowStartThreshold = Swift.max(inFlight / 2, 2 &* mss)
        window = slowStartThreshold &+ 3 &* mss
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
