import Scheduler

/// The part of an OpenFlow 1.0 connection both ends share, sans-IO: the HELLO exchange
/// and version agreement, the handshake timeout, echo keepalive, and where the
/// connection is in its life. Messages and `now` go in; decisions come out, and the
/// owner (the controller's session, the switch agent's) sends, logs and closes.
///
/// The owner queues `hello(xid:)` when the connection opens, reports every chunk of
/// input (`inputArrived`), passes every decoded message to `receive` before its own
/// handling, calls `tick` when `nextDeadline` passes, and marks the handshake complete
/// (`handshakeCompleted`) when its own part is done: at HELLO for the switch, at
/// FEATURES_REPLY for the controller.
public struct OpenFlowChannel {
    public enum Phase: Equatable {
        /// Our HELLO is queued; the peer's has not come.
        case awaitingHello
        /// Versions agreed; the owner's part of the handshake is still under way.
        case handshaking
        /// The handshake is complete.
        case up
        /// Closing was decided; input is ignored, output drains.
        case closing
    }

    public private(set) var phase = Phase.awaitingHello
    public let timing: ChannelTiming
    public let openedAt: Instant
    /// When input last arrived: the keepalive's clock.
    public private(set) var lastReceived: Instant
    public private(set) var echoSentAt: Instant?

    public init(now: Instant, timing: ChannelTiming) {
        self.timing = timing
        openedAt = now
        lastReceived = now
    }

    /// Our HELLO, the first message on every connection.
    public static func hello(xid: UInt32) -> OpenFlowMessage {
        OpenFlowMessage(xid: xid, .hello(Hello()))
    }

    public var isClosing: Bool { phase == .closing }

    /// Bytes arrived from the peer: it is alive.
    public mutating func inputArrived(now: Instant) {
        lastReceived = now
    }

    /// Takes the channel's messages: HELLO (negotiation, then ignored), ECHO_REQUEST
    /// (answered), ECHO_REPLY (ignored). Before the peer's HELLO anything else fails
    /// the handshake, as Open vSwitch does.
    public mutating func receive(_ message: OpenFlowMessage) -> ChannelDecision {
        switch message.message {
        case .echoRequest(let echo):
            return .reply(OpenFlowMessage(xid: message.xid, .echoReply(echo)))
        case .hello(let hello) where phase == .awaitingHello:
            guard let refusal = hello.refusalOfVersion10(headerVersion: message.version) else {
                phase = .handshaking
                return .agreed
            }
            return refuse(message.xid, refusal)
        case _ where phase == .awaitingHello:
            let name = message.type.specName ?? "message type " + String(message.type.rawValue)
            return refuse(message.xid, "Expected OFPT_HELLO first, got " + name + ".")
        case .hello, .echoReply:
            return .absorbed
        default:
            return .deliver
        }
    }

    private func refuse(_ xid: UInt32, _ explanation: String) -> ChannelDecision {
        let error = ErrorMessage(code: .helloIncompatible, data: ArraySlice(explanation.utf8))
        return .refused(error: OpenFlowMessage(xid: xid, .error(error)), reason: explanation)
    }

    /// The owner's part of the handshake is done: keepalive starts.
    public mutating func handshakeCompleted() {
        guard phase == .handshaking else { return }
        phase = .up
    }

    /// Decides to close; false if that was decided already.
    public mutating func close() -> Bool {
        guard phase != .closing else { return false }
        phase = .closing
        return true
    }

    /// When `tick` next has something to do.
    public var nextDeadline: Instant? {
        switch phase {
        case .awaitingHello, .handshaking:
            return openedAt + timing.handshakeTimeout
        case .up:
            return min(echoDue, lastReceived + timing.echoTimeout)
        case .closing:
            return nil
        }
    }

    /// The handshake timeout and keepalive at `now`. The owner closes on a timeout
    /// (through `close`) and sends an ECHO_REQUEST when asked.
    public mutating func tick(now: Instant) -> ChannelTimerDecision {
        switch phase {
        case .awaitingHello, .handshaking:
            return now >= openedAt + timing.handshakeTimeout ? .handshakeTimedOut : .none
        case .up:
            if now >= lastReceived + timing.echoTimeout { return .peerSilent(now - lastReceived) }
            guard now >= echoDue else { return .none }
            echoSentAt = now
            return .sendEchoRequest
        case .closing:
            return .none
        }
    }

    /// One echo per interval of silence: counted from the last input or the last echo.
    private var echoDue: Instant {
        max(lastReceived, echoSentAt ?? lastReceived) + timing.echoInterval
    }

    /// The OFPT_ERROR answering a message we cannot take: its xid and first 64 bytes.
    /// nil without a code, or when `frame` is itself an OFPT_ERROR, so two peers never
    /// answer each other's errors in a loop.
    public static func rejection(of frame: ArraySlice<UInt8>, _ code: ErrorCode?) -> OpenFlowMessage? {
        let header = Header(peeking: frame)
        guard let code, header.type != .error else { return nil }
        return OpenFlowMessage(xid: header.xid, .error(ErrorMessage(code: code, answering: frame)))
    }
}
