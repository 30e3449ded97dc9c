import CUnikernel
import CXen
import Scheduler

/// The Scheduler's `Platform` inside the unikernel: the clock is Xen's PV clock, and a
/// wait drains the event channels, arms a single-shot timer for the deadline and halts
/// until an event arrives (Xen blocks the vCPU on the halt, as it does for
/// `SCHEDOP_block`). Drivers register their event-channel port under a token; the run
/// loop then calls their handler, just as epoll reports a socket on Linux.
///
/// Outside Xen (the QEMU microvm self-test) there are no events: the clock is the TSC
/// calibrated against the PIT at boot, and a wait spins to its deadline.
public struct XenPlatform: Platform {
    let shared: SharedInfo?
    let channels: EventChannels?
    private var tokens: [UInt32: UInt64] = [:]
    /// Nanoseconds per TSC tick, as a 32.32 fixed-point number (outside Xen).
    private let tscScale: UInt64
    private let tscStart: UInt64
    /// Waits asked of the platform.
    public private(set) var waits: UInt64 = 0

    public init() {
        tscStart = uk_rdtsc()
        tscScale = (1_000_000_000 << 32) / max(uk_tsc_hz(), 1)
        guard uk_on_xen() != 0 else {
            shared = nil
            channels = nil
            return
        }
        let shared = SharedInfo()
        self.shared = shared
        let channels = EventChannels(shared: shared)
        self.channels = channels
        uk_set_upcall_flag(uk_upcall_pending(shared.page))
        _ = channels.bindVirtualInterrupt(UInt32(VIRQ_TIMER))
        // Only our single-shot timer should wake us, not a 100 Hz tick.
        var none: UInt64 = 0
        _ = Hypercall.vcpu(VCPUOP_stop_periodic_timer, &none)
        if uk_enable_event_upcall() != 0 { Shutdown.panic("xen: routing event upcalls failed") }
    }

    public var isXen: Bool { shared != nil }

    public func now() -> Instant {
        if let shared { return Instant(nanoseconds: shared.systemTime()) }
        let ticks = uk_rdtsc() &- tscStart
        let (high, low) = ticks.multipliedFullWidth(by: tscScale)
        return Instant(nanoseconds: high << 32 | low >> 32)
    }

    /// Reports `port` firing as readiness of `token`.
    public mutating func register(port: UInt32, token: UInt64) {
        tokens[port] = token
    }

    public mutating func wait(until deadline: Instant?, _ ready: (Readiness) -> Void) {
        waits &+= 1
        guard let channels else {
            if let deadline { while now() < deadline { uk_pause() } }
            return
        }
        while true {
            var reported = false
            channels.drain { port in
                guard let token = tokens[port] else { return }
                ready(Readiness(token: token, readable: true, writable: true, closed: false))
                reported = true
            }
            if reported { return }
            if let deadline, deadline <= now() { return }
            channels.block(until: deadline?.nanoseconds)
        }
    }

    /// Times the vCPU halted for want of work (0 outside Xen, where waits spin).
    public var halts: UInt64 { channels?.halts ?? 0 }
}
