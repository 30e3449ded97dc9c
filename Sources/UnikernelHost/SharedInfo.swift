import CUnikernel
import CXen

/// Xen's shared_info page, mapped over a page of our heap (XENMEM_add_to_physmap): the
/// event-channel bitmaps and vCPU 0's PV clock live in it.
struct SharedInfo {
    let page: UnsafeMutablePointer<shared_info>

    init() {
        let raw = uk_alloc_pages(1)!
        var map = xen_add_to_physmap(
            domid: uk_domid_self, size: 0, space: UInt32(XENMAPSPACE_shared_info), idx: 0,
            gpfn: xen_pfn_t(UInt(bitPattern: raw) >> 12))
        if Hypercall.memory(XENMEM_add_to_physmap, &map) != 0 {
            Shutdown.panic("xen: mapping shared_info failed")
        }
        page = raw.assumingMemoryBound(to: shared_info.self)
        // Xen writes vCPU 0's clock when it next schedules it: until then it reads zero.
        var none: UInt64 = 0
        for _ in 0..<1000 where uk_vcpu_time(page)!.pointee.tsc_to_system_mul == 0 {
            _ = Hypercall.sched(SCHEDOP_yield, &none)
        }
    }

    /// Xen's system time in nanoseconds since the domain booted, from the PV clock:
    /// system_time plus the TSC ticks since Xen last wrote it, scaled by its multiplier.
    func systemTime() -> UInt64 {
        let time = uk_vcpu_time(page)!
        while true {
            let version = uk_time_version(time)
            if version & 1 != 0 { continue }
            let stamp = time.pointee.tsc_timestamp
            let base = time.pointee.system_time
            let ticks = uk_rdtsc() &- stamp
            let nanoseconds = base &+ scale(ticks, time)
            uk_compiler_barrier()
            if uk_time_version(time) == version { return nanoseconds }
        }
    }

    /// `ticks` of the TSC in nanoseconds, at the PV clock's current rate.
    func nanoseconds(ticks: UInt64) -> UInt64 {
        scale(ticks, uk_vcpu_time(page)!)
    }

    private func scale(_ ticks: UInt64, _ time: UnsafeMutablePointer<vcpu_time_info>) -> UInt64 {
        let shift = time.pointee.tsc_shift
        let shifted = shift >= 0 ? ticks << UInt64(shift) : ticks >> UInt64(-Int(shift))
        let scaled = shifted.multipliedFullWidth(by: UInt64(time.pointee.tsc_to_system_mul))
        return scaled.high << 32 | scaled.low >> 32
    }
}
