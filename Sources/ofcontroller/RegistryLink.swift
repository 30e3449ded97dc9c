import Controller
import OpenFlow
import Scheduler

/// One loop's side of the `DatapathRegistry`: claims the datapaths its core registered
/// and closes those another loop claimed since. It remembers the number of its own
/// claims, so an eviction older than a switch's newest connection here is ignored.
final class RegistryLink {
    private let registry: DatapathRegistry
    private let loop: Int
    private var claims: [DatapathID: UInt64] = [:]

    init(_ registry: DatapathRegistry, loop: Int) {
        self.registry = registry
        self.loop = loop
    }

    /// The descriptor the loop watches for evictions.
    var wakeFD: Int32 { registry.wakeFD(loop: loop) }

    /// After a turn: claims what the core registered in it.
    func claimRegistered(_ core: inout ControllerCore<[BuiltinApp]>) {
        core.drainRegistered { datapath in
            claims[datapath] = registry.claim(datapath, loop: loop)
        }
    }

    /// When woken: closes each datapath whose newer connection is on another loop.
    func evict(_ core: inout ControllerCore<[BuiltinApp]>, now: Instant) {
        for eviction in registry.takeEvictions(loop: loop) {
            guard let mine = claims[eviction.datapath], mine < eviction.claim else { continue }
            claims[eviction.datapath] = nil
            core.disconnect(
                eviction.datapath, reason: "replaced by a connection on loop \(eviction.byLoop)", now: now)
        }
    }
}
