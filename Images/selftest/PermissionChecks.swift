import CUnikernel
import UnikernelHost

/// The page tables enforce W^X and the guard pages, and sealing makes them read-only.
/// Each probe makes one access the tables should refuse; the fault handler reports it
/// and resumes.
func checkPermissions(_ test: inout SelfTest) {
    func pointer(_ address: UInt64) -> UnsafeMutablePointer<UInt8> {
        UnsafeMutablePointer<UInt8>(bitPattern: UInt(address))!
    }
    let layout = uk_image_layout()
    let text = layout.text_start, rodata = layout.rodata_start, guardPage = layout.stack_guard

    test.check(uk_probe_write(pointer(text + 64)) == 1, "pages: a write to text faults")
    test.check(uk_probe_write(pointer(rodata)) == 1, "pages: a write to rodata faults")
    test.check(uk_probe_read(pointer(8)) == 1, "pages: page 0 is unmapped (null dereference faults)")
    test.check(uk_probe_read(pointer(guardPage + 100)) == 1, "pages: the stack's guard page faults")
    test.check(uk_probe_read(pointer(uk_heap_start() - 1)) == 1, "pages: the guard page below the heap faults")
    test.check(uk_probe_read(pointer(uk_heap_end())) == 1, "pages: the guard page above the heap faults")

    let page = uk_alloc_pages(1)!.assumingMemoryBound(to: UInt8.self)
    page[0] = 0x31; page[1] = 0xc0; page[2] = 0xc3  // xor eax, eax; ret
    test.check(uk_probe_write(page) == 0, "pages: the heap is writable")
    test.check(uk_probe_execute(page) == 1, "pages: heap memory does not execute (NX)")

    uk_seal_page_tables()
    let root = uk_page_table_root()!.assumingMemoryBound(to: UInt8.self)
    test.check(uk_page_tables_sealed() != 0 && uk_probe_write(root) == 1, "pages: sealed page tables refuse writes")
    test.check(__stack_chk_guard != 0x595e_9fbd_94fd_a766 && __stack_chk_guard != 0, "stack protector: the canary is random")
}
