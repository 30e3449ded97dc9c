import Scheduler
import UnikernelHost

/// The clock only moves forward, and the run loop's timers fire in deadline order, never
/// early, on the platform the images use.
func checkTimers(_ test: inout SelfTest) {
    let loop = RunLoop(platform: XenPlatform())
    var previous = loop.now
    var monotonic = true
    for _ in 0..<10_000 {
        let now = loop.now
        if now < previous { monotonic = false }
        previous = now
    }
    test.check(monotonic, "clock: 10000 reads never go backwards")

    let start = loop.now
    var fired: [(order: Int, early: Bool, late: Interval)] = []
    for (order, ms) in [(3, 30), (1, 10), (2, 20)] {
        let deadline = start + .milliseconds(UInt64(ms))
        loop.schedule(at: deadline) {
            let now = loop.now
            fired.append((order, now < deadline, now - deadline))
            if fired.count == 3 { loop.stop() }
        }
    }
    loop.run()
    test.check(fired.count == 3 && fired[0].order == 1 && fired[1].order == 2 && fired[2].order == 3, "timers: fire in deadline order")
    test.check(!fired.contains { $0.early }, "timers: never early")
    test.check(!fired.contains { $0.late > .milliseconds(250) }, "timers: late by under 250 ms (TCG)")
    if loop.platform.isXen {
        // Nothing can wake an idle wait but its deadline: it must block in Xen, not spin.
        let before = loop.platform.blocks
        let waitStart = loop.now
        loop.platform.wait(until: waitStart + .milliseconds(20)) { _ in }
        test.check(loop.platform.blocks > before && loop.now - waitStart >= .milliseconds(20), "timers: an idle wait blocks the vCPU in Xen until its deadline")
    }
    Console.write("  clock: ")
    Console.write((loop.now - start).nanoseconds / 1000)
    Console.write(" us for the timer check\n")
}
