import Scheduler
import Wire

/// One connection's transmission control block (RFC 9293 section 3.3.1): the
/// sequence variables, the buffers, the timers. Input, output, timers and application
/// calls live in the `TCPConnection+*.swift` extensions; the layer owns the slots.
struct TCPConnection {
    // MARK: Identity

    var localAddress = IPv4Address.any
    var remoteAddress = IPv4Address.any
    var localPort: UInt16 = 0
    var remotePort: UInt16 = 0
    var slot: UInt32 = 0
    var generation: UInt32 = 0
    var state: TCPState = .closed
    /// Why the connection reached CLOSED, for the `.closed` event.
    var closeReason: TCPCloseReason = .normal

    // MARK: Ownership

    /// The listener a passive open came from; nil for an active open.
    var listenerPort: UInt16?
    /// Set when a passive open completes the handshake, for the layer to queue it.
    var awaitingAccept = false
    /// Counted in its listener's half-open connections.
    var countedHalfOpen = false
    /// Waiting in its listener's accept queue.
    var queuedForAccept = false
    /// The application holds the handle (after `connect` or `accept`); events flow only then.
    var appOwned = false
    /// The application called `close`: what arrives from now on is discarded.
    var appClosed = false
    /// `.closed` was reported (TIME_WAIT goes on without the application).
    var closeReported = false

    // MARK: Send sequence space

    var iss = TCPSequenceNumber(0)
    var sendUnacknowledged = TCPSequenceNumber(0)
    var sendNext = TCPSequenceNumber(0)
    /// The highest sequence number sent; SND.NXT falls back to SND.UNA after a timeout.
    var sendMax = TCPSequenceNumber(0)
    /// The peer's window, in bytes (scaled).
    var sendWindow = 0
    var maxSendWindow = 0
    var windowUpdateSequence = TCPSequenceNumber(0)
    var windowUpdateAck = TCPSequenceNumber(0)
    var sendScale: UInt8 = 0
    var receiveScale: UInt8 = 0
    /// Both SYNs carry a window scale (RFC 7323 2.2); otherwise neither side scales.
    var scaling = false
    /// Both SYNs offered SACK: ACKs carry SACK blocks, and the peer's drive recovery.
    var selectiveAck = false
    var timestamps = TCPTimestamps()
    /// The peer's MSS: the most a segment may carry, options included (RFC 6691).
    var mss = 536
    /// A router reported an MTU below `minimumPathMTU`: segments leave without DF.
    var mayFragment = false
    var send = TCPSendBuffer()
    /// The application shut down writing: a FIN follows the buffered bytes.
    var finQueued = false
    /// A `send` came up short; `.writable` follows when space opens.
    var wantsWritable = false
    var noDelay = false

    // MARK: Receive sequence space

    var irs = TCPSequenceNumber(0)
    var receiveNext = TCPSequenceNumber(0)
    var receive = TCPReceiveBuffer()
    var finReceived = false
    /// A FIN that arrived after a gap, processed when the gap fills.
    var pendingFin: TCPSequenceNumber?
    /// `.readable` was sent and no `read` has come since.
    var readableReported = false
    /// The window the peer was last told, in bytes (window updates compare against it).
    var lastAdvertisedWindow = 0

    // MARK: Acknowledgment and output requests

    var ackNow = false
    /// When the last ACK for an unacceptable data-less segment went out (the limit on
    /// them, `TCPLimits.outOfWindowAckInterval`).
    var lastOutOfWindowAck: Instant?
    /// In-order bytes received since the last ACK (an ACK goes at two full segments).
    var unacknowledgedBytes = 0
    /// Resend the first unacknowledged segment now (fast retransmit, partial ACK).
    var retransmitFirst = false
    /// The persist timer fired: send what the window allows, or a window probe.
    var forceSend = false
    /// Send a probe (an ACK with an old sequence number) to make the peer answer.
    var probe = false

    // MARK: Timers and estimators

    var retransmitTimer: TCPRetransmitTimer
    var congestion: TCPCongestion
    /// What the peer's SACK blocks say it holds beyond SND.UNA (with `selectiveAck`).
    var scoreboard = TCPSackScoreboard()
    /// RFC 6675 HighRxt: the end of the highest hole retransmitted in this recovery.
    var highRetransmit = TCPSequenceNumber(0)
    /// RFC 6675 RescueRxt: one rescue retransmission per recovery, once SND.UNA passes it.
    var rescueRetransmit = TCPSequenceNumber(0)
    /// The end of the segment being timed and when it was sent (Karn: first transmissions only).
    var timedSequence: TCPSequenceNumber?
    var timedAt = Instant.zero
    /// Consecutive timeouts without progress.
    var retransmissions = 0
    var retransmitDeadline: Instant?
    var persistDeadline: Instant?
    var persistBackoff = 0
    /// Window probes the peer has not answered.
    var unansweredProbes = 0
    var delayedAckDeadline: Instant?
    var keepAliveIdle: Interval?
    var keepAliveDeadline: Instant?
    var keepAlivesSent = 0
    /// When TIME_WAIT ends, or an orphaned FIN_WAIT_2 gives up on the peer's FIN.
    var closeDeadline: Instant?

    init(limits: TCPLimits) {
        retransmitTimer = TCPRetransmitTimer(initial: limits.initialRTO, minimum: limits.minimumRTO, maximum: limits.maximumRTO)
        congestion = TCPCongestion(mss: 536, initialSegments: limits.initialWindowSegments, start: TCPSequenceNumber(0))
    }

    var handle: TCPHandle { TCPHandle(index: slot, generation: generation) }

    /// The data a full segment carries: the MSS less the options every segment has.
    var segmentData: Int { mss &- (timestamps.enabled ? TCPTimestampOption.alignedLength : 0) }

    /// The bytes in flight: sent and not acknowledged (SND.NXT - SND.UNA).
    var inFlight: Int { sendNext - sendUnacknowledged }

    /// The FIN was sent and acknowledged.
    var finAcknowledged: Bool { finQueued && sendUnacknowledged == send.end + 1 }

    /// True in the states where this side may still send data or its FIN.
    var sendsData: Bool {
        switch state {
        case .established, .closeWait, .finWait1, .closing, .lastAck: true
        default: false
        }
    }

    /// Resets the block for a new connection in this slot; buffers are kept.
    mutating func start(
        local: IPv4Address, localPort: UInt16, remote: IPv4Address, remotePort: UInt16,
        iss: TCPSequenceNumber, now: Instant, limits: TCPLimits
    ) {
        var fresh = TCPConnection(limits: limits)
        swap(&fresh.send, &send)
        swap(&fresh.receive, &receive)
        fresh.slot = slot
        fresh.generation = generation
        self = fresh
        localAddress = local
        remoteAddress = remote
        self.localPort = localPort
        self.remotePort = remotePort
        self.iss = iss
        sendUnacknowledged = iss
        sendNext = iss
        sendMax = iss
        noDelay = limits.noDelay
        keepAliveIdle = limits.keepAliveIdle
        mss = Swift.min(limits.mss, 536)
        send.prepare(capacity: limits.sendBuffer, start: iss + 1)
        receive.prepare(capacity: limits.receiveBuffer, rangeLimit: limits.outOfOrderRanges)
        congestion = TCPCongestion(mss: mss, initialSegments: limits.initialWindowSegments, start: iss)
    }

    /// Applies the options of the peer's SYN (RFC 9293 3.7.1, RFC 7323 2.2 and 3.2).
    mutating func acceptSynOptions(_ options: TCPOptions, weOffered: Bool, now: Instant, limits: TCPLimits) {
        mss = Swift.max(Swift.min(limits.mss, Int(options.mss ?? 536)), 64)
        if let scale = options.windowScale, weOffered {
            scaling = true
            sendScale = scale
            receiveScale = limits.windowScale
        }
        selectiveAck = options.sackPermitted && limits.selectiveAck
        if let timestamp = options.timestamp, limits.timestamps { timestamps.start(peerValue: timestamp.value, now: now) }
        congestion = TCPCongestion(mss: segmentData, initialSegments: limits.initialWindowSegments, start: iss, selective: selectiveAck)
    }

    /// Tells the application, if it holds the handle.
    func notify(_ event: TCPEvent, _ effects: inout TCPEffects) {
        if appOwned { effects.events.append(event) }
    }

    /// Enters CLOSED; the layer then reports it and frees the slot.
    mutating func enterClosed(_ reason: TCPCloseReason) {
        state = .closed
        closeReason = reason
        stopTimers()
        closeDeadline = nil
        ackNow = false
        probe = false
    }

    mutating func enterTimeWait(now: Instant, limits: TCPLimits) {
        state = .timeWait
        stopTimers()
        closeDeadline = now + Interval(nanoseconds: limits.msl.nanoseconds &* 2)
    }

    mutating func stopTimers() {
        retransmitDeadline = nil
        persistDeadline = nil
        delayedAckDeadline = nil
        keepAliveDeadline = nil
        forceSend = false
        retransmitFirst = false
    }

    /// A RST for this connection's peer (seq and ack chosen by the caller).
    func reset(sequence: TCPSequenceNumber, acknowledgment: TCPSequenceNumber = TCPSequenceNumber(0), withAck: Bool = false) -> TCPReset {
        TCPReset(
            source: localAddress, destination: remoteAddress, sourcePort: localPort, destinationPort: remotePort,
            sequence: sequence, acknowledgment: acknowledgment,
            flags: TCPHeader.Flags.rst | (withAck ? TCPHeader.Flags.ack : 0))
    }
}
