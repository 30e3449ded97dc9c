import Scheduler
import Wire

/// What processing a segment, a timer or a call leaves behind besides the connection's
/// own state: events for the application, resets to send, counters. One value per
/// layer, lent to the connection being worked on.
struct TCPEffects {
    var events = TCPEventQueue()
    var resets: TCPResetQueue
    var counters = TCPCounters()
    /// RFC 5961 section 7: challenge ACKs are limited per second across the layer, so
    /// blind segments cannot turn us into an ACK source.
    private let challengeAckLimit: Int
    private var challengeAcksThisSecond = 0
    private var challengeSecond: UInt64 = 0

    init(resetCapacity: Int, challengeAckLimit: Int) {
        resets = TCPResetQueue(capacity: resetCapacity)
        self.challengeAckLimit = challengeAckLimit
    }

    /// Counts a challenge ACK; false when this second's budget is spent.
    mutating func allowChallengeAck(now: Instant) -> Bool {
        let second = now.nanoseconds / 1_000_000_000
        if second != challengeSecond {
            challengeSecond = second
            challengeAcksThisSecond = 0
        }
        guard challengeAcksThisSecond < challengeAckLimit else {
            counters.challengeAcksSuppressed &+= 1
            return false
        }
        challengeAcksThisSecond &+= 1
        counters.challengeAcks &+= 1
        return true
    }

    mutating func queueReset(_ reset: TCPReset) {
        if resets.append(reset) { counters.resetsSent &+= 1 } else { counters.resetsDropped &+= 1 }
    }
}
