/*
 * PVH entry. Xen and QEMU start us in 32-bit protected mode, paging off, interrupts off,
 * with %ebx holding the physical address of struct hvm_start_info. We switch to long
 * mode on an identity map of the first GiB (2 MiB pages), turn on SSE (Swift code uses
 * SSE stores) and NX, and call unikernel_boot(start_info). paging.c replaces these
 * boot tables with 4 KiB W^X tables before any Swift code runs.
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

    /* Boot page tables: identity map of the first GiB, writable, executable. */
    .section .data.boot, "aw"
    .p2align 12
boot_pml4:
    .quad boot_pdpt + 0x3
    .fill 511, 8, 0
boot_pdpt:
    .quad boot_pd + 0x3
    .fill 511, 8, 0
boot_pd:
    .set page, 0
    .rept 512
    .quad (page << 21) | 0x83
    .set page, page + 1
    .endr

    /* Filled by Xen with one 32-byte call stub per hypercall (see xen.c). */
    .section .text.hypercall, "ax"
    .p2align 12
    .globl uk_hypercall_page
uk_hypercall_page:
    .fill 4096, 1, 0xcc
