import Controller
import Glibc
import OpenFlow
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

    /// Read ends of the loops' wake-up pipes: readable while evictions wait for that loop.
    let wakeFDs: [Int32]
    private let writeFDs: [Int32]
    private let state: Mutex<State>

    init(loops: Int) {
        var reads: [Int32] = []
        var writes: [Int32] = []
        for _ in 0..<loops {
            var fds: [Int32] = [-1, -1]
            guard pipe(&fds) == 0 else { fatalError("pipe: \(String(cString: strerror(errno)))") }
            for fd in fds {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                _ = fcntl(fd, F_SETFL, O_NONBLOCK)
            }
            reads.append(fds[0])
            writes.append(fds[1])
        }
        wakeFDs = reads
        writeFDs = writes
        state = Mutex(State(evictions: Array(repeating: [], count: loops)))
    }

    deinit {
        for fd in wakeFDs + writeFDs { close(fd) }
    }

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
        if let previous, previous != loop {
            var byte: UInt8 = 1
            _ = write(writeFDs[previous], &byte, 1)  // a full pipe already wakes the loop
        }
        return claim
    }

    /// The evictions waiting for `loop`, oldest first; empties its wake-up pipe.
    func takeEvictions(loop: Int) -> [Eviction] {
        var bytes = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        while withUnsafeMutableBytes(of: &bytes, { read(wakeFDs[loop], $0.baseAddress, $0.count) }) > 0 {}
        return state.withLock { state in
            defer { state.evictions[loop].removeAll() }
            return state.evictions[loop]
        }
    }
}
