import Controller
import OpenFlow
import Scheduler

/// Runs a `LoopCommand` on the loop's own thread, against its core. A stats request's
/// answer comes later, through the chain's `RequestBridge`; everything else is
/// answered at once.
public enum LoopExecutor {
    /// The answer now, or nil when the request bridge will give it for `ticket`.
    public static func run(
        _ command: LoopCommand, ticket: UInt64, core: inout ControllerCore<[BuiltinApp]>, now: Instant
    ) -> LoopAnswer? {
        switch command {
        case .switches:
            return .switches(core.datapathIDs)
        case .counters:
            return .counters(core.counters, backlog: core.outputBacklog)
        case .portDescriptions(let datapath):
            guard let info = core.datapath(datapath) else { return .failed(.unknownDatapath(datapath.rawValue)) }
            return .ports(info.ports)
        case .flowMod(let datapath, let flowMod):
            guard core.datapath(datapath) != nil else { return .failed(.unknownDatapath(datapath.rawValue)) }
            let xid = core.withContext(now: now) { $0.send(.flowMod(flowMod), to: datapath) }
            return xid == nil ? .failed(.switchFailed("the switch's output is backed up")) : .sent
        case .portMod(let request):
            guard let info = core.datapath(request.datapath) else { return .failed(.unknownDatapath(request.datapath.rawValue)) }
            guard let port = info.port(request.port) else {
                return .failed(.notFound("port_no: datapath \(request.datapath.rawValue) has no port \(request.port.rawValue)"))
            }
            let xid = core.withContext(now: now) { $0.send(.portMod(request.message(for: port)), to: request.datapath) }
            return xid == nil ? .failed(.switchFailed("the switch's output is backed up")) : .sent
        case .topology:
            for app in core.app {
                if let forwarding = app.shortestPathSwitch { return .topology(forwarding.discovery.topology) }
            }
            return .failed(.notFound("no topology app in the chain: run with --app topology"))
        case .stats(let datapath, let body):
            guard core.datapath(datapath) != nil else { return .failed(.unknownDatapath(datapath.rawValue)) }
            guard let xid = core.withContext(now: now, { $0.send(.statsRequest(StatsRequest(body)), to: datapath) }) else {
                return .failed(.switchFailed("the switch's output is backed up"))
            }
            for index in core.app.indices {
                if core.app[index].track(xid, to: datapath, ticket: ticket) { return nil }
            }
            return .failed(.switchFailed("no request bridge in the app chain"))
        }
    }
}
