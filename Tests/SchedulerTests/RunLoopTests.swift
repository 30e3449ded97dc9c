import Scheduler
import Testing

@Suite struct RunLoopTests {
    @Test func tasksRunBeforeWaitingAndWaitDoesNotBlockWithWorkQueued() {
        let loop = RunLoop(platform: VirtualPlatform())
        var log: [String] = []
        loop.enqueue { log.append("a"); loop.enqueue { log.append("b") } }
        loop.turn()
        #expect(log == ["a"])
        #expect(loop.platform.waits == [Instant.zero])  // work queued: poll only
        loop.turn()
        #expect(log == ["a", "b"])
    }

    @Test func timersFireAtTheirDeadlineOnTheVirtualClock() {
        let loop = RunLoop(platform: VirtualPlatform())
        var fired: [UInt64] = []
        loop.schedule(after: .milliseconds(5)) { fired.append(loop.now.nanoseconds) }
        let cancelled = loop.schedule(after: .milliseconds(3)) { fired.append(0) }
        loop.cancel(cancelled)
        loop.turn()  // waits until 5 ms
        loop.turn()  // fires
        #expect(fired == [5_000_000])
    }

    @Test func repeatingTimerKeepsItsPeriod() {
        let loop = RunLoop(platform: VirtualPlatform())
        var ticks: [UInt64] = []
        loop.every(.seconds(1)) {
            ticks.append(loop.now.nanoseconds / 1_000_000_000)
            if ticks.count == 3 { loop.stop() }
        }
        loop.run()
        #expect(ticks == [1, 2, 3])
    }

    @Test func readinessReachesTheRegisteredHandler() {
        var platform = VirtualPlatform()
        platform.script = [
            (Instant(nanoseconds: 7), Readiness(token: 42, readable: true, writable: false, closed: false)),
            (Instant(nanoseconds: 9), Readiness(token: 99, readable: true, writable: false, closed: false)),
        ]
        let loop = RunLoop(platform: platform)
        var seen: [UInt64] = []
        loop.register(token: 42) { ready in seen.append(ready.token) }
        loop.turn()
        loop.turn()  // token 99 has no handler: ignored
        #expect(seen == [42])
        loop.deregister(token: 42)
    }
}

@Suite struct RunLoopReentrancyTests {
    @Test func handlersMayReadTheClockAndScheduleTimers() {
        var platform = VirtualPlatform()
        platform.script = [(Instant(nanoseconds: 10), Readiness(token: 1, readable: true, writable: false, closed: false))]
        let loop = RunLoop(platform: platform)
        var fired: [UInt64] = []
        loop.register(token: 1) { _ in
            loop.schedule(after: .milliseconds(1)) { fired.append(loop.now.nanoseconds) }
        }
        loop.turn()  // wait until 10 ns, dispatch: the handler schedules at 10 ns + 1 ms
        loop.turn()  // wait until the timer is due
        loop.turn()  // fire it
        #expect(fired == [1_000_010])
    }
}

@Suite struct RunLoopStopTests {
    @Test func stopFromATaskDoesNotBlockInTheWait() {
        let loop = RunLoop(platform: VirtualPlatform())
        loop.enqueue { loop.stop() }
        loop.run()  // no timers and no I/O: a blocking wait would never return
        #expect(loop.platform.waits == [Instant.zero])
    }
}
