import Scheduler
import Testing

/// Counts the deinits of the objects it hands out.
final class DeinitCounter {
    final class Token {
        let counter: DeinitCounter
        init(_ counter: DeinitCounter) { self.counter = counter }
        deinit { counter.count += 1 }
    }

    var count = 0
}

/// A virtual platform that holds a token, so the loop's deinit shows as the token's.
struct TrackedPlatform: Platform {
    var inner = VirtualPlatform()
    let token: DeinitCounter.Token

    func now() -> Instant { inner.now() }

    mutating func wait(until deadline: Instant?, _ ready: (Readiness) -> Void) {
        inner.wait(until: deadline, ready)
    }
}

@Suite struct RepeatingTimerTests {
    private func seconds(_ instant: Instant) -> Double { Double(instant.nanoseconds) / 1e9 }

    @Test func slowTasksDoNotMakeThePeriodDrift() {
        let loop = RunLoop(platform: VirtualPlatform())
        var fired: [Double] = []
        loop.every(.seconds(1)) {
            fired.append(self.seconds(loop.now))
            loop.platform.clock = loop.now + .milliseconds(300)  // the task takes 0.3 s
            if fired.count == 4 { loop.stop() }
        }
        loop.run()
        #expect(fired == [1, 2, 3, 4])
    }

    @Test func aLateLoopSkipsTheDeadlinesItMissed() {
        let loop = RunLoop(platform: VirtualPlatform())
        var fired: [Double] = []
        loop.every(.seconds(1)) {
            fired.append(self.seconds(loop.now))
            if fired.count == 3 { loop.stop() }
        }
        loop.platform.clock = Instant(nanoseconds: 3_500_000_000)  // held up before its first turn
        loop.run()
        #expect(fired == [3.5, 4, 5])  // one late run for 1, 2 and 3, not a burst; then on the grid
    }

    @Test func cancelStopsARepeatingTimer() {
        let loop = RunLoop(platform: VirtualPlatform())
        var ticks = 0
        let timer = loop.every(.seconds(1)) { ticks += 1 }
        loop.schedule(at: Instant(nanoseconds: 2_500_000_000)) { loop.cancel(timer) }
        loop.schedule(at: Instant(nanoseconds: 10_000_000_000)) { loop.stop() }
        loop.run()
        #expect(ticks == 2)
    }

    @Test func aTaskMayCancelItsOwnTimer() {
        let loop = RunLoop(platform: VirtualPlatform())
        var ticks = 0
        var timer: TimerID?
        timer = loop.every(.seconds(1)) {
            ticks += 1
            if ticks == 3 { loop.cancel(timer!) }
        }
        loop.schedule(at: Instant(nanoseconds: 10_000_000_000)) { loop.stop() }
        loop.run()
        #expect(ticks == 3)
    }

    @Test func aLoopWithARepeatingTimerIsFreed() {
        let counter = DeinitCounter()
        var ticks = 0
        do {
            let loop = RunLoop(platform: TrackedPlatform(token: DeinitCounter.Token(counter)))
            loop.every(.seconds(1)) { ticks += 1 }
            loop.turn()  // waits until 1 s
            loop.turn()  // fires
        }
        #expect(ticks == 1)
        #expect(counter.count == 1)
    }
}

@Suite struct RepeatingTimerHeapTests {
    @Test func aRepeatingEntryIsReArmedUnderTheSameID() {
        var heap = TimerHeap<Int>()
        let id = heap.schedule(at: Instant(nanoseconds: 10), every: Interval(nanoseconds: 10), 1)
        #expect(heap.popExpired(now: Instant(nanoseconds: 10)) == 1)
        #expect(heap.popExpired(now: Instant(nanoseconds: 10)) == nil)  // once per deadline
        #expect(heap.nextDeadline() == Instant(nanoseconds: 20))
        #expect(heap.popExpired(now: Instant(nanoseconds: 45)) == 1)
        #expect(heap.nextDeadline() == Instant(nanoseconds: 50))  // 30 and 40 skipped
        heap.cancel(id)
        #expect(heap.isEmpty)
        #expect(heap.popExpired(now: Instant(nanoseconds: 100)) == nil)
    }

    @Test func aZeroPeriodCannotSpinWithinOnePop() {
        var heap = TimerHeap<Int>()
        heap.schedule(at: Instant(nanoseconds: 5), every: .zero, 1)
        var fired = 0
        while heap.popExpired(now: Instant(nanoseconds: 5)) != nil { fired += 1 }
        #expect(fired == 1)
        #expect(heap.nextDeadline() == Instant(nanoseconds: 6))
    }
}
