import OpenFlow
import Scheduler

/// One OpenFlow connection of the switch: its buffers and where it is in its life.
struct AgentSession {
    enum Phase: Equatable {
        /// Our HELLO is queued; the peer's has not come.
        case awaitingHello
        /// Versions agreed: requests are answered.
        case up
        /// Closing was decided; input is ignored, output drains.
        case closing
    }

    let id: ChannelID
    let role: ChannelRole
    var phase = Phase.awaitingHello
    var framer: Framer
    var output: ChannelOutput
    let openedAt: Instant
    var lastReceived: Instant
    var echoSentAt: Instant?

    init(id: ChannelID, role: ChannelRole, now: Instant, capacity: Int) {
        self.id = id
        self.role = role
        framer = Framer(capacity: capacity)
        output = ChannelOutput(capacity: capacity)
        openedAt = now
        lastReceived = now
    }

    /// A controller connection that finished HELLO: it gets asynchronous messages.
    var isActiveUp: Bool { role.isActive && phase == .up }

    var name: String {
        switch role {
        case .active(let index): "controller " + String(index) + " (connection " + String(id.rawValue) + ")"
        case .passive: "connection " + String(id.rawValue)
        }
    }

    /// Appends an encoded message unless the output would pass `limit`.
    mutating func write(_ message: OpenFlowMessage, limit: Int) -> Bool {
        let before = output.bytes.count
        do throws(OpenFlowError) {
            try message.append(to: &output.bytes)
        } catch {
            return false
        }
        guard output.count <= limit else {
            output.bytes.removeLast(output.bytes.count - before)
            return false
        }
        return true
    }

    /// Appends already encoded messages unless the output would pass `limit`.
    mutating func write(encoded bytes: ArraySlice<UInt8>, limit: Int) -> Bool {
        guard output.count + bytes.count <= limit else { return false }
        output.bytes.append(contentsOf: bytes)
        return true
    }

    /// When `tick` next has something to do for this connection.
    func nextDeadline(_ settings: AgentSettings) -> Instant? {
        switch phase {
        case .awaitingHello:
            return openedAt + settings.handshakeTimeout
        case .up:
            let echoDue = max(lastReceived, echoSentAt ?? lastReceived) + settings.echoInterval
            return min(echoDue, lastReceived + settings.echoTimeout)
        case .closing:
            return nil
        }
    }
}
