import Controller
import LinuxPlatform
import Synchronization

/// One datapath registry across the `--threads N` loops. The kernel spreads connections
/// over the loops' SO_REUSEPORT listeners, so a switch that reconnects may land on
/// another loop than the one still holding its old connection (not yet timed out).
/// Each loop claims the datapaths that finish their handshake here; the loop that held
/// one before is told, through its wake-up pipe, to close its connection, as one loop does
/// for a datapath that reconnects to it. Claims happen once per handshake, never per
/// message.
final class DatapathRegistry: Sendable {
    /// A claim that superseded a loop's: the datapath, the claim's number (claims are
    /// numbered in the order they reach the registry), and the loop that made it.
    struct Eviction {
        let datapath: DatapathID
        let claim: UInt64
        let byLoop: Int
    }

    private struct State {
        var owners: [DatapathID: (loop: Int, claim: UInt64)] = [:]
        var evictions: [[Eviction]]
        var lastClaim: UInt64 = 0
    }

    /// One per loop: readable while evictions wait for that loop.
    private let wakeUps: [WakePipe]
    private let state: Mutex<State>

    init(loops: Int) throws(SocketError) {
        var wakeUps: [WakePipe] = []
        for _ in 0..<loops { wakeUps.append(try WakePipe()) }
        self.wakeUps = wakeUps
        state = Mutex(State(evictions: Array(repeating: [], count: loops)))
    }

    /// The descriptor `loop` watches for its evictions.
    func wakeFD(loop: Int) -> Int32 { wakeUps[loop].readFD }

    /// `loop` registered `datapath`: returns the claim's number. Another loop that held
    /// the datapath gets an eviction and is woken.
    func claim(_ datapath: DatapathID, loop: Int) -> UInt64 {
        let (claim, previous) = state.withLock { state in
            state.lastClaim += 1
            let previous = state.owners.updateValue((loop, state.lastClaim), forKey: datapath)?.loop
            if let previous, previous != loop {
                state.evictions[previous].append(Eviction(datapath: datapath, claim: state.lastClaim, byLoop: loop))
            }
            return (state.lastClaim, previous)
        }
        if let previous, previous != loop { wakeUps[previous].wake() }
        return claim
    }

    /// The evictions waiting for `loop`, oldest first; empties its wake-up pipe.
    func takeEvictions(loop: Int) -> [Eviction] {
        wakeUps[loop].drain()
        return state.withLock { state in
            defer { state.evictions[loop].removeAll() }
            return state.evictions[loop]
        }
    }
}
