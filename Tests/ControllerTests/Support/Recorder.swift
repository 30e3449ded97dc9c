import Controller
import OpenFlow

/// An app that writes down every event it sees, in a comparable form, and passes it on.
struct Recorder: ControllerApp {
    enum Seen: Hashable {
        case up(DatapathID, ports: Int)
        case down(DatapathID)
        case packetIn(DatapathID, inPort: PortNumber)
        case flowRemoved(DatapathID, FlowRemoved)
        case portStatus(DatapathID, PortReason, PortNumber)
        case statsReply(DatapathID, xid: UInt32, StatsReply.Body)
        case barrierReply(DatapathID, xid: UInt32)
        case error(DatapathID, xid: UInt32, ErrorCode, request: MessageType?)
        case requestFailed(DatapathID, xid: UInt32, request: MessageType, RequestFailure)
        case message(DatapathID, MessageType)
    }

    var seen: [Seen] = []
    /// Consume `.message` events, as an app that understands vendor messages would.
    var consumesMessages = false

    mutating func handle(_ event: ControllerEvent, _ context: inout AppContext) -> AppVerdict {
        switch event {
        case .datapathUp(let info): seen.append(.up(info.id, ports: info.ports.count))
        case .datapathDown(let id): seen.append(.down(id))
        case .packetIn(let id, let packetIn): seen.append(.packetIn(id, inPort: packetIn.inPort))
        case .flowRemoved(let id, let removed): seen.append(.flowRemoved(id, removed))
        case .portStatus(let id, let status): seen.append(.portStatus(id, status.reason, status.port.portNumber))
        case .statsReply(let id, let xid, let body): seen.append(.statsReply(id, xid: xid, body))
        case .barrierReply(let id, let xid): seen.append(.barrierReply(id, xid: xid))
        case .error(let id, let xid, let error, let request): seen.append(.error(id, xid: xid, error.code, request: request))
        case .requestFailed(let id, let xid, let request, let failure):
            seen.append(.requestFailed(id, xid: xid, request: request, failure))
        case .message(let id, let message):
            seen.append(.message(id, message.type))
            return consumesMessages ? .consumed : .continue
        }
        return .continue
    }
}
