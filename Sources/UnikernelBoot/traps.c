/*
 * The interrupt descriptor table: every CPU exception prints where it happened and
 * panics (so a stray write to text, a jump into data or a walk off the stack ends the
 * domain with SHUTDOWN_crash and a reason), except the probes' deliberate faults.
 */
#include "internal.h"
#include "unikernel.h"

struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error, rip, cs, rflags, rsp, ss;
};

struct idt_entry {
    uint16_t offset_low, selector;
    uint8_t ist, type;
    uint16_t offset_mid;
    uint32_t offset_high, reserved;
} __attribute__((packed));

static struct idt_entry idt[256] __attribute__((aligned(16)));
extern const uint64_t trap_stubs[22];
extern uint8_t probe_write_access[], probe_write_resume[], probe_read_access[], probe_read_resume[];
extern uint64_t probe_execute_target;

/* Faults that may come from a full stack (page fault, double fault) switch to this one
 * through the TSS's first interrupt stack, so a stack overflow is reported, not a
 * triple fault. */
static uint8_t fault_stack[16384] __attribute__((aligned(16)));

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3, iomap_base;
} __attribute__((packed));

static struct tss tss;
static uint64_t gdt[5] __attribute__((aligned(16))) = {
    0, 0x00af9a000000ffffull, 0x00cf92000000ffffull, 0, 0};

static void load_gdt_and_tss(void) {
    tss.ist[0] = (uint64_t)(uintptr_t)(fault_stack + sizeof fault_stack);
    tss.iomap_base = sizeof tss;
    uint64_t base = (uint64_t)(uintptr_t)&tss, limit = sizeof tss - 1;
    gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) | (((limit >> 16) & 0xf) << 48) |
             (((base >> 24) & 0xff) << 56);
    gdt[4] = base >> 32;
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) pointer = {sizeof gdt - 1, (uint64_t)(uintptr_t)gdt};
    __asm__ __volatile__("lgdt %0; ltr %w1" ::"m"(pointer), "r"(0x18) : "memory");
}

static void set_gate(int vector, uint64_t handler) {
    idt[vector] = (struct idt_entry){
        .offset_low = (uint16_t)handler, .selector = 0x08, .ist = (vector == 8 || vector == 14) ? 1 : 0, .type = 0x8e,
        .offset_mid = (uint16_t)(handler >> 16), .offset_high = (uint32_t)(handler >> 32), .reserved = 0};
}

void traps_init(void) {
    load_gdt_and_tss();
    for (int v = 0; v < 22; v++) set_gate(v, trap_stubs[v]);
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) pointer = {sizeof idt - 1, (uint64_t)(uintptr_t)idt};
    __asm__ __volatile__("lidt %0" ::"m"(pointer));
}

static uint64_t read_cr2(void) {
    uint64_t value;
    __asm__ __volatile__("mov %%cr2, %0" : "=r"(value));
    return value;
}

static const char *const names[22] = {
    "divide error", "debug", "NMI", "breakpoint", "overflow", "bound range", "invalid opcode",
    "device not available", "double fault", "coprocessor overrun", "invalid TSS", "segment not present",
    "stack fault", "general protection", "page fault", "reserved", "x87 error", "alignment check",
    "machine check", "SIMD error", "virtualization", "control protection"};

/* A page fault the probes expected: resume past it, reporting 1. */
static int resume_probe(struct trap_frame *frame) {
    if (frame->vector != 14) return 0;
    if (frame->rip == (uint64_t)(uintptr_t)probe_write_access) {
        frame->rip = (uint64_t)(uintptr_t)probe_write_resume;
    } else if (frame->rip == (uint64_t)(uintptr_t)probe_read_access) {
        frame->rip = (uint64_t)(uintptr_t)probe_read_resume;
    } else if (probe_execute_target && frame->rip == probe_execute_target) {
        /* Pop the return address the call pushed, as a ret would. */
        uint64_t *stack = (uint64_t *)(uintptr_t)frame->rsp;
        frame->rip = stack[0];
        frame->rsp += 8;
        probe_execute_target = 0;
    } else {
        return 0;
    }
    frame->rax = 1;
    return 1;
}

void trap_dispatch(struct trap_frame *frame) {
    if (resume_probe(frame)) return;
    console_put_string("\ntrap: ");
    console_put_string(frame->vector < 22 ? names[frame->vector] : "unknown");
    console_put_string(" at rip ");
    console_put_hex(frame->rip);
    console_put_string(" error ");
    console_put_hex(frame->error);
    if (frame->vector == 14) {
        console_put_string(" address ");
        console_put_hex(read_cr2());
        uint64_t address = read_cr2();
        if (address >= (uint64_t)(uintptr_t)__stack_guard && address < (uint64_t)(uintptr_t)__stack_guard + 4096)
            console_put_string(" (stack overflow: the guard page)");
    }
    console_put_string(" rsp ");
    console_put_hex(frame->rsp);
    uk_panic(frame->vector == 6 ? "trap (a Swift runtime check fails with ud2: see the message above)" : "trap");
}
