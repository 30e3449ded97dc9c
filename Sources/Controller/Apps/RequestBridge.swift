import OpenFlow

/// Routes the answers to requests sent from outside the chain (an operator's REST call)
/// back to whoever asked: the caller sends a stats request through the context, hands
/// the xid and its own ticket to `track`, and `deliver` gets the ticket with the whole
/// answer, the switch's refusal, or the loss of the request. It consumes those answers
/// and nothing else, so it may sit first in the chain at the cost of one switch per event.
public struct RequestBridge: ControllerApp {
    /// How a tracked request ended.
    public enum Outcome {
        case reply(StatsReply.Body)
        /// The switch answered with an OFPT_ERROR.
        case refused(ErrorMessage)
        /// No answer will come: timed out, too large, or the datapath went down.
        case lost
    }

    private let deliver: (UInt64, Outcome) -> Void
    private var tickets: [DatapathID: [UInt32: UInt64]] = [:]

    public init(deliver: @escaping (UInt64, Outcome) -> Void) {
        self.deliver = deliver
    }

    /// Remembers that `xid`, sent to `datapath`, answers `ticket`.
    public mutating func track(_ xid: UInt32, to datapath: DatapathID, ticket: UInt64) {
        tickets[datapath, default: [:]][xid] = ticket
    }

    public mutating func handle(_ event: ControllerEvent, _ context: inout AppContext) -> AppVerdict {
        switch event {
        case .statsReply(let datapath, let xid, let body):
            return finish(datapath, xid, .reply(body))
        case .error(let datapath, let xid, let error, _):
            return finish(datapath, xid, .refused(error))
        case .requestFailed(let datapath, let xid, _, _):
            return finish(datapath, xid, .lost)
        case .datapathDown(let datapath):
            // Its pending requests are dropped without events: answer them now.
            for ticket in (tickets.removeValue(forKey: datapath) ?? [:]).values { deliver(ticket, .lost) }
            return .continue
        default:
            return .continue
        }
    }

    private mutating func finish(_ datapath: DatapathID, _ xid: UInt32, _ outcome: Outcome) -> AppVerdict {
        guard let ticket = tickets[datapath]?.removeValue(forKey: xid) else { return .continue }
        deliver(ticket, outcome)
        return .consumed
    }
}
