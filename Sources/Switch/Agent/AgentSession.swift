import OpenFlow
import Scheduler

/// One OpenFlow connection of the switch: its buffers and where it is in its life.
struct AgentSession {
    let id: ChannelID
    let role: ChannelRole
    /// What the controller asked to be (NXT_ROLE_REQUEST); OTHER until it asks.
    var controllerRole: ControllerRole = .other
    /// HELLO, the handshake timeout and keepalive; the switch's handshake is complete
    /// at HELLO.
    var channel: OpenFlowChannel
    var framer: Framer
    var output: ChannelOutput

    init(id: ChannelID, role: ChannelRole, peer: String?, now: Instant, settings: AgentSettings) {
        self.id = id
        self.role = role
        switch role {
        case .active(let index) where settings.controllers.indices.contains(index):
            name = "controller " + settings.controllers[index]
        case .active(let index):
            name = "controller " + String(index)
        case .passive:
            name = peer.map { "connection from " + $0 } ?? "connection " + String(id.rawValue)
        }
        channel = OpenFlowChannel(now: now, timing: settings.channelTiming)
        framer = Framer(capacity: settings.bufferCapacity)
        output = ChannelOutput(capacity: settings.bufferCapacity)
    }

    /// A controller connection that finished HELLO: it gets asynchronous messages.
    var isActiveUp: Bool { role.isActive && channel.phase == .up }

    /// How logs name it: "controller tcp:10.0.0.1:6653" (the target it was given), or
    /// "connection from 127.0.0.1:40522" (a peer on the listener), never by its id
    /// alone unless the I/O layer knows no address.
    let name: String

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
}
