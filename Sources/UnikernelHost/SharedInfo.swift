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
    }

    /// Xen's system time in nanoseconds since the domain booted, from the PV clock:
    /// system_time plus the TSC ticks since Xen last wrote it, scaled by its multiplier.
    func systemTime() -> UInt64 {
        systemTime(atTSC: nil)
    }

    /// The system time Xen's clock gave (or would have given) at TSC value `tsc`; the
    /// current time when nil.
    func systemTime(atTSC tsc: UInt64?) -> UInt64 {
        let time = uk_vcpu_time(page)!
        while true {
            let version = uk_time_version(time)
            if version & 1 != 0 { continue }
            let stamp = time.pointee.tsc_timestamp
            let base = time.pointee.system_time
            let multiplier = time.pointee.tsc_to_system_mul
            let shift = time.pointee.tsc_shift
            // A TSC before Xen's stamp (the boot's, once Xen has updated the clock) counts
            // back from it: the wrapped difference would scale to nonsense.
            let moment = tsc ?? uk_rdtsc()
            var delta = moment >= stamp ? moment - stamp : stamp - moment
            delta = shift >= 0 ? delta << UInt64(shift) : delta >> UInt64(-Int(shift))
            let scaled = delta.multipliedFullWidth(by: UInt64(multiplier))
            let offset = scaled.high << 32 | scaled.low >> 32
            let nanoseconds = moment >= stamp ? base &+ offset : base &- offset
            uk_compiler_barrier()
            if uk_time_version(time) == version { return nanoseconds }
        }
    }
}
