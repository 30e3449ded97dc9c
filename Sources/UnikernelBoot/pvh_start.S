/*
 * PVH entry. Xen and QEMU start us in 32-bit protected mode, paging off, interrupts off,
 * with %ebx holding the physical address of struct hvm_start_info. We switch to long
 * mode on an identity map of the first GiB (2 MiB pages: any load base below 1 GiB
 * works, the image is position-dependent but not tied to 1 MiB), turn on SSE (Swift
 * code uses SSE stores) and NX, and call unikernel_boot(start_info). paging.c replaces
 * these boot tables with 4 KiB W^X tables before any Swift code runs.
 */
#define XEN_ELFNOTE_PHYS32_ENTRY 18

    .section .note.Xen, "a", @note
    .p2align 2
    .long 4                         /* name size: "Xen\0" */
    .long 8                         /* descriptor size: QEMU reads 8 bytes on ELF64 */
    .long XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .p2align 2
    .quad pvh_start32
    .p2align 2

    .section .text.boot, "ax"
    .code32
    .globl pvh_start32
pvh_start32:
    cld
    movl %ebx, %esi
    lgdt boot_gdt_pointer

    /* CR4: PAE, OSFXSR, OSXMMEXCPT. */
    movl %cr4, %eax
    orl $((1 << 5) | (1 << 9) | (1 << 10)), %eax
    movl %eax, %cr4

    /* The boot tables are built here, in .bss, rather than carried in the image (12 KiB):
     * PML4 and PDPT zeroed (the loader need not have), then the PD's 512 large pages,
     * present and writable. */
    movl $boot_pml4, %edi
    xorl %eax, %eax
    movl $(2 * 1024), %ecx
    rep stosl
    movl $0x83, %eax
    movl $512, %ecx
2:  movl %eax, (%edi)
    movl $0, 4(%edi)
    addl $0x200000, %eax
    addl $8, %edi
    loop 2b
    movl $(boot_pd + 0x3), boot_pdpt
    movl $(boot_pdpt + 0x3), boot_pml4

    movl $boot_pml4, %eax
    movl %eax, %cr3

    /* EFER: long mode enable, no-execute enable. */
    movl $0xc0000080, %ecx
    rdmsr
    orl $((1 << 8) | (1 << 11)), %eax
    wrmsr

    /* CR0: paging, write protect (also for ring 0), monitor coprocessor, protection; no x87 emulation. */
    movl %cr0, %eax
    andl $~(1 << 2), %eax
    orl $((1 << 31) | (1 << 16) | (1 << 1) | 1), %eax
    movl %eax, %cr0

    ljmp $0x08, $long_entry

    .code64
long_entry:
    movl $0x10, %eax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw %ax, %fs
    movw %ax, %gs
    lgdt boot_gdt_pointer64(%rip)
    leaq unikernel_stack_top(%rip), %rsp
    xorl %ebp, %ebp
    movl %esi, %edi
    call unikernel_boot
1:  cli
    hlt
    jmp 1b

    .section .rodata.boot, "a"
    .p2align 3
boot_gdt:
    .quad 0                         /* null */
    .quad 0x00af9a000000ffff        /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff        /* 0x10: data */
boot_gdt_end:
boot_gdt_pointer:
    .word boot_gdt_end - boot_gdt - 1
    .long boot_gdt
    .p2align 3
boot_gdt_pointer64:
    .word boot_gdt_end - boot_gdt - 1
    .quad boot_gdt

    /* Boot page tables: identity map of the first GiB, writable, executable; filled at entry. */
    .section .bss.boot, "aw", @nobits
    .p2align 12
boot_pml4:
    .skip 4096
boot_pdpt:
    .skip 4096
boot_pd:
    .skip 4096

    /* Filled by Xen with one 32-byte call stub per hypercall (see xen.c). */
    .section .text.hypercall, "ax"
    .p2align 12
    .globl uk_hypercall_page
uk_hypercall_page:
    .fill 4096, 1, 0xcc
