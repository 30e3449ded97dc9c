import Scheduler

/// What the channel made of a received message.
public enum ChannelDecision {
    /// Not the channel's business: the owner handles it.
    case deliver
    /// The channel's, with nothing to send (a repeated HELLO, an ECHO_REPLY).
    case absorbed
    /// The channel's: send this answer (an ECHO_REPLY).
    case reply(OpenFlowMessage)
    /// The peer's HELLO agreed on OpenFlow 1.0: the owner continues its handshake.
    case agreed
    /// The handshake failed: send `error` (OFPT_HELLO_FAILED), then close. `reason` is
    /// the text the error carries, for the log.
    case refused(error: OpenFlowMessage, reason: String)
}

/// What the channel's timers decided at `tick`.
public enum ChannelTimerDecision: Equatable {
    /// Nothing is due.
    case none
    /// The peer has been quiet for the echo interval: send an ECHO_REQUEST.
    case sendEchoRequest
    /// The handshake did not complete in time: close.
    case handshakeTimedOut
    /// Nothing came from the peer for `silence`, past the echo timeout: close.
    case peerSilent(Interval)
}
