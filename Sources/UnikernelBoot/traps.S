/*
 * Interrupt entry stubs. Each pushes a dummy error code where the CPU gives none, then
 * its vector, saves the general registers in the order of struct trap_frame, and calls
 * trap_dispatch(frame), which may change the saved rip and rax (probes resume that way).
 */
    .text
    .code64

.macro TRAP_NO_ERROR vector
    .p2align 4
trap_stub_\vector:
    pushq $0
    pushq $\vector
    jmp trap_common
.endm

.macro TRAP_ERROR vector
    .p2align 4
trap_stub_\vector:
    pushq $\vector
    jmp trap_common
.endm

TRAP_NO_ERROR 0
TRAP_NO_ERROR 1
TRAP_NO_ERROR 2
TRAP_NO_ERROR 3
TRAP_NO_ERROR 4
TRAP_NO_ERROR 5
TRAP_NO_ERROR 6
TRAP_NO_ERROR 7
TRAP_ERROR 8
TRAP_NO_ERROR 9
TRAP_ERROR 10
TRAP_ERROR 11
TRAP_ERROR 12
TRAP_ERROR 13
TRAP_ERROR 14
TRAP_NO_ERROR 15
TRAP_NO_ERROR 16
TRAP_ERROR 17
TRAP_NO_ERROR 18
TRAP_NO_ERROR 19
TRAP_NO_ERROR 20
TRAP_ERROR 21

trap_common:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    cld
    movq %rsp, %rdi
    movq %rsp, %rbx
    andq $-16, %rsp
    call trap_dispatch
    movq %rbx, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp
    iretq

    .section .rodata
    .p2align 3
    .globl trap_stubs
trap_stubs:
    .irp vector, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21
    .quad trap_stub_\vector
    .endr

/*
 * Probes: one access each, at a known instruction. If it faults, trap_dispatch sets
 * rax to 1 and resumes at the matching *_resume label.
 */
    .text
    .globl uk_probe_write
uk_probe_write:
    xorl %eax, %eax
    movb (%rdi), %cl
    .globl probe_write_access
probe_write_access:
    movb %cl, (%rdi)
    .globl probe_write_resume
probe_write_resume:
    ret

    .globl uk_probe_read
uk_probe_read:
    xorl %eax, %eax
    .globl probe_read_access
probe_read_access:
    movb (%rdi), %cl
    .globl probe_read_resume
probe_read_resume:
    ret

    /* Calls the address; a no-execute fault at it returns 1 to our caller. */
    .globl uk_probe_execute
uk_probe_execute:
    movq %rdi, probe_execute_target(%rip)
    xorl %eax, %eax
    call *%rdi
    movq $0, probe_execute_target(%rip)
    ret

    .data
    .globl probe_execute_target
probe_execute_target:
    .quad 0
