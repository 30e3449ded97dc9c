import Glibc
import LinuxPlatform
import Scheduler
import Testing

@Suite struct EpollPlatformTests {
    @Test func timersFireOnTheMonotonicClock() throws {
        let harness = try Harness()
        let loop = harness.loop
        let start = loop.now
        var firedAt: Instant?
        loop.schedule(after: .milliseconds(20)) { firedAt = loop.now }
        #expect(harness.turn(until: { firedAt != nil }, timeout: .seconds(2)))
        let elapsed = try #require(firedAt) - start
        #expect(elapsed >= .milliseconds(20))
        #expect(elapsed < .milliseconds(500))
    }

    @Test func repeatingTimerTicksOnTheRealClock() throws {
        let harness = try Harness()
        let loop = harness.loop
        var ticks = 0
        loop.every(.milliseconds(5)) { ticks += 1 }
        let start = loop.now
        #expect(harness.turn(until: { ticks == 4 }, timeout: .seconds(2)))
        #expect(loop.now - start >= .milliseconds(20))
    }

    @Test func waitNeverEndsBeforeItsDeadline() throws {
        let platform = try EpollPlatform()
        for microseconds: UInt64 in [300, 1_000, 2_500] {
            let deadline = platform.now() + .microseconds(microseconds)
            platform.wait(until: deadline) { _ in Issue.record("nothing is registered") }
            #expect(platform.now() >= deadline)
        }
    }

    @Test func pastDeadlineOnlyPolls() throws {
        let platform = try EpollPlatform()
        let start = platform.now()
        platform.wait(until: .zero) { _ in }
        #expect(platform.now() - start < .milliseconds(50))
    }

    @Test func busyPollNeverSleeps() throws {
        let platform = try EpollPlatform(busyPoll: true)
        let start = platform.now()
        platform.wait(until: nil) { _ in }
        platform.wait(until: start + .seconds(5)) { _ in }
        #expect(platform.now() - start < .milliseconds(50))
    }

    @Test func readinessNamesTheTokenAndWhatIsReady() throws {
        let platform = try EpollPlatform()
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        defer { close(ends[0]) }
        try platform.register(fd: ends[0], token: 70)
        try platform.register(fd: ends[1], token: 71, readable: false, writable: true)

        var seen: [Readiness] = []
        platform.wait(until: platform.now() + .milliseconds(100)) { seen.append($0) }
        #expect(seen == [Readiness(token: 71, readable: false, writable: true, closed: false)])

        try platform.modify(fd: ends[1], token: 71, readable: false, writable: false)
        var byte: UInt8 = 1
        #expect(write(ends[1], &byte, 1) == 1)
        seen = []
        platform.wait(until: platform.now() + .milliseconds(100)) { seen.append($0) }
        #expect(seen == [Readiness(token: 70, readable: true, writable: false, closed: false)])

        close(ends[1])
        seen = []
        platform.wait(until: platform.now() + .milliseconds(100)) { seen.append($0) }
        #expect(seen.count == 1)
        #expect(seen.first?.token == 70)
        #expect(seen.first?.closed == true)
    }

    @Test func signalsArriveThroughTheLoop() throws {
        let harness = try Harness()
        let signals = try SignalSource([SIGUSR1])
        var received: [Int32] = []
        try signals.watch(on: harness.loop, token: 1) { received.append($0) }
        raise(SIGUSR1)
        #expect(harness.turn(until: { !received.isEmpty }, timeout: .seconds(2)))
        #expect(received == [SIGUSR1])
    }

    @Test func fileLimitReachesTheHardLimit() throws {
        let soft = try raiseFileLimit()
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        #expect(soft == Int(clamping: limit.rlim_max))
        #expect(limit.rlim_cur == limit.rlim_max)
    }
}
