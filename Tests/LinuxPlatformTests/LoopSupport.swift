import LinuxPlatform
import Scheduler

/// An epoll run loop for one test, with its own reference to the platform: handlers
/// register sockets through `platform`, never through `loop.platform`, which the loop
/// is accessing while it waits and dispatches.
final class Harness {
    let platform: EpollPlatform
    let loop: RunLoop<EpollPlatform>
    private var nextToken: UInt64 = 1

    init() throws {
        platform = try EpollPlatform()
        loop = RunLoop(platform: platform)
    }

    /// A token no other registration in this test uses.
    func token() -> UInt64 {
        defer { nextToken += 1 }
        return nextToken
    }

    /// Turns until `done` holds or `timeout` passes; returns whether `done` held. Each
    /// turn waits at most 5 ms, since a turn that fires a timer still waits for I/O.
    func turn(until done: () -> Bool, timeout: Interval = .seconds(10)) -> Bool {
        let deadline = loop.now + timeout
        while !done(), loop.now < deadline {
            let tick = loop.schedule(after: .milliseconds(5)) {}
            loop.turn()
            loop.cancel(tick)
        }
        return done()
    }
}

/// `count` bytes of a pattern whose period (997, a prime) is prime to every buffer
/// size, so a lost, repeated or reordered chunk shows when compared with the original.
func patternBytes(count: Int) -> [UInt8] {
    let period = (0..<997).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ $0 >> 3) }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count + period.count)
    while bytes.count < count { bytes.append(contentsOf: period) }
    bytes.removeLast(bytes.count - count)
    return bytes
}
