import CUnikernel
import CXen

/// Xen event channels, 2-level ABI: binding, notifying, and finding which ports fired.
/// A port is a wakeup, not a queue: the driver behind it looks at its ring to learn
/// what happened.
struct EventChannels {
    let shared: SharedInfo

    /// Binds a virtual interrupt (the timer) of vCPU 0 to a new port.
    func bindVirtualInterrupt(_ virq: UInt32) -> UInt32 {
        var bind = evtchn_bind_virq(virq: virq, vcpu: 0, port: 0)
        if Hypercall.eventChannel(EVTCHNOP_bind_virq, &bind) != 0 { Shutdown.panic("xen: binding a VIRQ failed") }
        unmask(bind.port)
        return bind.port
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

    /// Calls `fired` for each pending, unmasked port, clearing it first (so an event that
    /// arrives while the handler runs is seen on the next scan).
    func drain(_ fired: (UInt32) -> Void) {
        uk_upcall_pending(shared.page).pointee = 0
        uk_barrier()
        var selector = uk_atomic_exchange(uk_evtchn_pending_selector(shared.page), 0)
        let pending = uk_evtchn_pending(shared.page)!
        let mask = uk_evtchn_mask(shared.page)!
        while selector != 0 {
            let word = selector.trailingZeroBitCount
            selector &= selector - 1
            var bits = pending[word] & ~mask[word]
            while bits != 0 {
                let bit = bits.trailingZeroBitCount
                bits &= bits - 1
                _ = uk_atomic_fetch_and(pending + word, ~(1 << UInt64(bit)))
                fired(UInt32(word * 64 + bit))
            }
        }
    }
}
