import Wire

/// What processing a segment, a timer or a call leaves behind besides the connection's
/// own state: events for the application, resets to send, counters. One value per
/// layer, lent to the connection being worked on.
struct TCPEffects {
    var events = TCPEventQueue()
    var resets: TCPResetQueue
    var counters = TCPCounters()

    init(resetCapacity: Int) {
        resets = TCPResetQueue(capacity: resetCapacity)
    }

    mutating func queueReset(_ reset: TCPReset) {
        if resets.append(reset) { counters.resetsSent &+= 1 } else { counters.resetsDropped &+= 1 }
    }
}
