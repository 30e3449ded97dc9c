import Scheduler
import Testing

@Suite struct TimerHeapTests {
    @Test func firesInDeadlineOrderThenSchedulingOrder() {
        var heap = TimerHeap<Int>()
        heap.schedule(at: Instant(nanoseconds: 30), 3)
        heap.schedule(at: Instant(nanoseconds: 10), 1)
        heap.schedule(at: Instant(nanoseconds: 20), 2)
        heap.schedule(at: Instant(nanoseconds: 10), 11)
        var fired: [Int] = []
        while let value = heap.popExpired(now: Instant(nanoseconds: 100)) { fired.append(value) }
        #expect(fired == [1, 11, 2, 3])
        #expect(heap.isEmpty)
    }

    @Test func onlyDueTimersFire() {
        var heap = TimerHeap<Int>()
        heap.schedule(at: Instant(nanoseconds: 50), 1)
        #expect(heap.popExpired(now: Instant(nanoseconds: 49)) == nil)
        #expect(heap.nextDeadline() == Instant(nanoseconds: 50))
        #expect(heap.popExpired(now: Instant(nanoseconds: 50)) == 1)
    }

    @Test func cancelledTimersNeverFire() {
        var heap = TimerHeap<Int>()
        let first = heap.schedule(at: Instant(nanoseconds: 10), 1)
        heap.schedule(at: Instant(nanoseconds: 20), 2)
        heap.cancel(first)
        #expect(heap.count == 1)
        #expect(heap.nextDeadline() == Instant(nanoseconds: 20))
        #expect(heap.popExpired(now: Instant(nanoseconds: 100)) == 2)
        heap.cancel(first)  // already gone: no effect
        #expect(heap.isEmpty)
    }

    @Test func seededRandomScheduleComesOutSorted() {
        var heap = TimerHeap<UInt64>()
        var state: UInt64 = 0x5EED
        var expected: [UInt64] = []
        for _ in 0..<2000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let deadline = state >> 40
            expected.append(deadline)
            heap.schedule(at: Instant(nanoseconds: deadline), deadline)
        }
        var fired: [UInt64] = []
        while let value = heap.popExpired(now: Instant(nanoseconds: .max)) { fired.append(value) }
        #expect(fired == expected.sorted())
    }
}
