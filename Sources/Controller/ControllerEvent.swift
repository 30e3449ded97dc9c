import OpenFlow

/// What the core tells apps, in the order it happens. Payloads that carry bytes (packet
/// data, error data) are slices of the received message: valid during the call, to be
/// copied by an app that keeps them.
public enum ControllerEvent {
    /// The handshake finished (HELLO, FEATURES_REPLY, and our SET_CONFIG sent).
    indirect case datapathUp(DatapathInfo)
    /// The switch disconnected, timed out, broke its stream, or was replaced by a new
    /// connection with the same datapath id. Its pending requests are dropped silently.
    case datapathDown(DatapathID)
    case packetIn(DatapathID, PacketIn)
    indirect case flowRemoved(DatapathID, FlowRemoved)
    /// Delivered after the registry applied it.
    indirect case portStatus(DatapathID, PortStatus)
    /// A whole stats answer: every REPLY_MORE part accumulated into one body.
    indirect case statsReply(DatapathID, xid: UInt32, StatsReply.Body)
    case barrierReply(DatapathID, xid: UInt32)
    /// An OFPT_ERROR from the switch; the session goes on. `request` is the type of the
    /// message it answers, when known (a tracked request, or the header echoed in the
    /// error's data).
    indirect case error(DatapathID, xid: UInt32, ErrorMessage, request: MessageType?)
    /// A tracked request that will get no answer.
    case requestFailed(DatapathID, xid: UInt32, request: MessageType, RequestFailure)
    /// Any other message from the switch: GET_CONFIG_REPLY, QUEUE_GET_CONFIG_REPLY,
    /// a FEATURES_REPLY asked for after the handshake, VENDOR. A VENDOR message no app
    /// consumes is answered with OFPBRC_BAD_VENDOR.
    indirect case message(DatapathID, OpenFlowMessage)
}

/// Why a tracked request was abandoned.
public enum RequestFailure: Hashable, Sendable {
    /// No reply within `ControllerSettings.requestTimeout`.
    case timedOut
    /// The REPLY_MORE parts passed `ControllerSettings.statsEntryLimit` entries.
    case replyTooLarge
}

/// An app's answer to an event: pass it on down the chain, or stop it here.
public enum AppVerdict: Hashable, Sendable {
    case `continue`
    case consumed
}
