import Scheduler
import Testing

@Suite struct DeadlineTimerTests {
    @Test func firesAtTheEarliestDeadlineArmed() {
        let loop = RunLoop(platform: VirtualPlatform())
        var fired: [UInt64] = []
        let timer = DeadlineTimer { now in fired.append(now.nanoseconds / 1_000_000) }
        timer.arm(at: Instant(nanoseconds: 9_000_000), on: loop)
        timer.arm(at: Instant(nanoseconds: 4_000_000), on: loop)  // earlier: moves the timer
        timer.arm(at: Instant(nanoseconds: 6_000_000), on: loop)  // later: the earlier one stays
        timer.arm(at: nil, on: loop)
        for _ in 0..<4 { loop.turn() }
        #expect(fired == [4])
    }

    @Test func aDeadlineLeftInThePastWaitsAMillisecondInsteadOfSpinning() {
        let loop = RunLoop(platform: VirtualPlatform())
        var fired: [UInt64] = []
        var timer: DeadlineTimer!
        timer = DeadlineTimer { now in
            fired.append(now.nanoseconds)
            // A core whose deadline did not move: it reports the same instant again.
            if fired.count < 3 { timer.arm(at: Instant(nanoseconds: 2_000_000), on: loop) }
        }
        timer.arm(at: Instant(nanoseconds: 2_000_000), on: loop)
        for _ in 0..<8 { loop.turn() }
        #expect(fired == [2_000_000, 3_000_000, 4_000_000])
    }
}
