import Controller
import OpenFlow

/// What the HTTP side asks of the controller loop, which alone touches the core.
public enum LoopCommand: Sendable {
    /// The datapaths that are up.
    case switches
    /// A datapath's ports, from the registry (no request to the switch).
    case portDescriptions(DatapathID)
    /// A stats request whose reply answers the call.
    case stats(DatapathID, StatsRequest.Body)
    /// A FLOW_MOD, answered as soon as it is queued (as Ryu does).
    case flowMod(DatapathID, FlowMod)
    /// A PORT_MOD for a port the registry knows, answered once queued.
    case portMod(OfctlPortMod)
    /// A copy of what the topology app (`--app topology`) has discovered.
    case topology
    /// The core's counters and output backlog, for a metrics scrape.
    case counters
}

/// The loop's answer to a `LoopCommand`.
public enum LoopAnswer: Sendable {
    case switches([DatapathID])
    case ports([PhyPort])
    case stats(StatsReply.Body)
    case sent
    case topology(Topology)
    case counters(ControllerCounters, backlog: Int)
    case failed(RESTError)
}

extension LoopAnswer {
    /// A request bridge's outcome for a stats request.
    init(_ outcome: RequestBridge.Outcome) {
        switch outcome {
        case .reply(let body): self = .stats(body)
        case .refused(let error): self = .failed(.switchFailed("the switch refused the request: " + error.code.specName))
        case .lost: self = .failed(.switchFailed("the switch went away or did not answer"))
        }
    }
}
