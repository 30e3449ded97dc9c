import CUnikernel
import CXen
import Scheduler

/// The Scheduler's `Platform` inside the unikernel: the clock is Xen's PV clock, and a
/// wait drains the event channels and, with nothing to do, blocks the vCPU in Xen
/// (`SCHEDOP_poll` on the registered ports, with the deadline as its timeout) until a
/// port fires. Drivers register their event-channel port under a token; the run
/// loop then calls their handler, just as epoll reports a socket on Linux.
///
/// Outside Xen (the QEMU microvm self-test) there are no events: the clock is the TSC
/// calibrated against the PIT at boot, and a wait spins to its deadline.
public struct XenPlatform: Platform {
    let shared: SharedInfo?
    let channels: EventChannels?
    /// Readiness tokens by event channel port.
    private var tokens = IntegerDictionary<UInt64>()
    /// Nanoseconds per TSC tick, as a 32.32 fixed-point number (outside Xen).
    private let tscScale: UInt64
    /// The TSC at the boot entry: the origin of the clock outside Xen.
    private let tscStart: UInt64
    /// Waits asked of the platform.
    public private(set) var waits: UInt64 = 0

    public init() {
        tscStart = uk_boot_tsc()
        tscScale = (1_000_000_000 << 32) / max(uk_tsc_hz(), 1)
        guard uk_on_xen() != 0 else {
            shared = nil
            channels = nil
            bootInstant = .zero  // outside Xen the clock counts from the boot entry
            return
        }
        let shared = SharedInfo()
        self.shared = shared
        let sinceBoot = uk_rdtsc() &- uk_boot_tsc()
        let now = shared.systemTime()
        let elapsed = sinceBoot < 1 << 62 ? shared.nanoseconds(ticks: sinceBoot) : 0
        bootInstant = Instant(nanoseconds: now > elapsed ? now - elapsed : 0)
        let channels = EventChannels(shared: shared)
        self.channels = channels
        // Waits end on a port or on the poll's own deadline: no timer tick is wanted.
        var none: UInt64 = 0
        _ = Hypercall.vcpu(VCPUOP_stop_periodic_timer, &none)
    }

    public var isXen: Bool { shared != nil }

    /// When the boot code started, on this platform's clock: boot figures count from it.
    /// Under Xen it is taken once, at set-up, as the PV clock's time then less the TSC
    /// ticks since the boot entry: only a short span of the TSC is trusted, because a
    /// stamp Xen writes later may come from another CPU's TSC.
    public let bootInstant: Instant

    public func now() -> Instant {
        if let shared { return Instant(nanoseconds: shared.systemTime()) }
        let ticks = uk_rdtsc() &- tscStart
        let (high, low) = ticks.multipliedFullWidth(by: tscScale)
        return Instant(nanoseconds: high << 32 | low >> 32)
    }

    /// Reports `port` firing as readiness of `token`.
    public mutating func register(port: UInt32, token: UInt64) {
        tokens[UInt64(port)] = token
        channels?.watch(port)
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
                guard let token = tokens[UInt64(port)] else { return }
                ready(Readiness(token: token, readable: true, writable: true, closed: false))
                reported = true
            }
            if reported { return }
            if let deadline, deadline <= now() { return }
            channels.block(until: deadline?.nanoseconds)
        }
    }

    /// Times the vCPU blocked in Xen for want of work (0 outside Xen, where waits spin).
    public var blocks: UInt64 { channels?.blocks ?? 0 }
}
