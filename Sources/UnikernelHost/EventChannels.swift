import CUnikernel
import CXen

/// Xen event channels, 2-level ABI: binding, notifying, and finding which ports fired.
/// A port is a wakeup, not a queue: the driver behind it looks at its ring to learn
/// what happened.
final class EventChannels {
    let shared: SharedInfo
    /// Ports that fired and have not been drained: one bit each, 4096 ports (2-level ABI).
    private var fired = [UInt64](repeating: 0, count: 64)
    private var anyFired = false
    /// The ports a block wakes for: drivers' and xenstore's.
    private var watched: [UInt32] = []
    /// Times the vCPU blocked in Xen waiting for an event.
    private(set) var blocks: UInt64 = 0

    init(shared: SharedInfo) {
        self.shared = shared
    }

    /// A new port another domain (the backend) can bind to.
    func allocateUnbound(remote: domid_t) -> UInt32 {
        var alloc = evtchn_alloc_unbound(dom: uk_domid_self, remote_dom: remote, port: 0)
        if Hypercall.eventChannel(EVTCHNOP_alloc_unbound, &alloc) != 0 { Shutdown.panic("xen: allocating a port failed") }
        unmask(alloc.port)
        return alloc.port
    }

    func notify(_ port: UInt32) {
        var send = evtchn_send(port: port)
        _ = Hypercall.eventChannel(EVTCHNOP_send, &send)
    }

    func unmask(_ port: UInt32) {
        let mask = uk_evtchn_mask(shared.page)!
        _ = uk_atomic_fetch_and(mask + Int(port / 64), ~(1 << UInt64(port % 64)))
    }

    /// Moves every pending, unmasked port into `fired`, clearing Xen's bits (the
    /// per-vCPU selector first, then each port), so the next event on a port is seen as
    /// new.
    private func collect() {
        var selector = uk_atomic_exchange(uk_evtchn_pending_selector(shared.page), 0)
        let pending = uk_evtchn_pending(shared.page)!
        let mask = uk_evtchn_mask(shared.page)!
        while selector != 0 {
            let word = selector.trailingZeroBitCount
            selector &= selector - 1
            let bits = pending[word] & ~mask[word]
            guard bits != 0 else { continue }
            _ = uk_atomic_fetch_and(pending + word, ~bits)
            fired[word] |= bits
            anyFired = true
        }
    }

    /// Calls `handler` for each port that fired since the last drain.
    func drain(_ handler: (UInt32) -> Void) {
        collect()
        guard anyFired else { return }
        anyFired = false
        for word in fired.indices where fired[word] != 0 {
            var bits = fired[word]
            fired[word] = 0
            while bits != 0 {
                let bit = bits.trailingZeroBitCount
                bits &= bits - 1
                handler(UInt32(word * 64 + bit))
            }
        }
    }

    /// Blocks the vCPU until a watched port fires or Xen's clock reaches `deadline`
    /// (nanoseconds of system time). What fired stays collected for the next `drain`.
    ///
    /// This is SCHEDOP_poll rather than SCHEDOP_block or a halt: Xen looks at the
    /// watched ports' pending bits after marking the vCPU blocked, so no event is lost
    /// between our last look and the block, whatever the interrupt flag. (A halt after
    /// `sti` can sit in the interrupt shadow with the upcall already pending, and block
    /// for good.)
    func block(until deadline: UInt64?) {
        collect()
        if anyFired { return }
        blocks &+= 1
        let count = UInt32(watched.count)
        _ = watched.withUnsafeMutableBufferPointer { ports in
            uk_poll_ports(ports.baseAddress, count, deadline ?? 0)
        }
        collect()
    }

    /// Adds `port` to those a block wakes for.
    func watch(_ port: UInt32) {
        if !watched.contains(port) { watched.append(port) }
        unmask(port)
    }

}
