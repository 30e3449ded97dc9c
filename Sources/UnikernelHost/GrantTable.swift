import CUnikernel
import CXen

/// Grant table v1: pages of ours another domain (the network backend) may map or copy.
/// The table's frames are mapped over pages of our heap (XENMEM_add_to_physmap); a
/// reference is granted once and reused for the life of the ring slot it backs, so the
/// data path never touches the table.
public final class GrantTable {
    private let entries: UnsafeMutablePointer<grant_entry_v1_t>
    private let capacity: UInt32
    private var next: UInt32

    /// Frames of 512 entries each; 8 frames give 4088 usable references (8 are
    /// reserved): a vif takes 514, so up to 7 vifs.
    public init(frames: UInt32 = 8) {
        var query = gnttab_query_size(dom: uk_domid_self, nr_frames: 0, max_nr_frames: 0, status: 0)
        _ = Hypercall.grantTable(GNTTABOP_query_size, &query)
        let count = max(1, min(frames, query.max_nr_frames))
        let base = uk_alloc_pages(Int(count))!
        for frame in 0..<count {
            var map = xen_add_to_physmap(
                domid: uk_domid_self, size: 0, space: UInt32(XENMAPSPACE_grant_table), idx: xen_ulong_t(frame),
                gpfn: xen_pfn_t((UInt(bitPattern: base) >> 12) + UInt(frame)))
            if Hypercall.memory(XENMEM_add_to_physmap, &map) != 0 { Shutdown.panic("xen: mapping the grant table failed") }
        }
        entries = base.assumingMemoryBound(to: grant_entry_v1_t.self)
        capacity = count * 512
        next = UInt32(GNTTAB_NR_RESERVED_ENTRIES)
    }

    /// Lets `domain` use the page at `address` (read-only if `readOnly`); returns the
    /// reference to hand it.
    func grant(page address: UnsafeMutableRawPointer, to domain: domid_t, readOnly: Bool) -> grant_ref_t {
        guard next < capacity else { Shutdown.panic("xen: out of grant references") }
        let reference = next
        next += 1
        uk_grant_entry_set(entries + Int(reference), domain, UInt32(UInt(bitPattern: address) >> 12), readOnly ? 1 : 0)
        return reference
    }

    /// References handed out so far.
    public var used: UInt32 { next - UInt32(GNTTAB_NR_RESERVED_ENTRIES) }
}
