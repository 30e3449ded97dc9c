/*
 * What the boot target (C and assembly) offers the Swift platform above it: the console,
 * hypercalls, the heap's counters, page permissions, traps, randomness and shutdown.
 * Everything here runs on one vCPU with interrupts off: Xen wakes a blocked vCPU
 * through SCHEDOP_poll, not through interrupts.
 */
#ifndef UNIKERNEL_H
#define UNIKERNEL_H

#include <stddef.h>
#include <stdint.h>

/* --- Boot facts --- */
/* Nonzero when running on Xen (CPUID leaf 0x40000000 says "XenVMMXenVMM"). */
int uk_on_xen(void);
/* Nonzero when Xen started us as the initial domain (dom0). */
int uk_is_dom0(void);
/* The command line the loader passed (empty string if none); copied at boot. */
const char *uk_cmdline(void);
/* Bytes of RAM the memory map reported below the mapped limit. */
uint64_t uk_ram_bytes(void);
/* The modules the loader passed (QEMU's -initrd, xl's ramdisk=): physical address and
 * length, mapped read-only; the heap lies clear of them. */
#define UK_MAX_MODULES 4
struct uk_module {
    uint64_t address, size;
};
int uk_module_count(void);
struct uk_module uk_module(int index);

/* --- Console --- */
void uk_console_write(const char *bytes, size_t length);
/* Sends what the console holds (a partial line) now. */
void uk_console_flush(void);

/* --- Shutdown (never return) --- */
_Noreturn void uk_poweroff(int status);
_Noreturn void uk_panic(const char *reason);

/* --- Time --- */
static inline uint64_t uk_rdtsc(void) {
    uint32_t lo, hi;
    __asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}
/* The TSC when the first C code ran, for boot-time figures. */
uint64_t uk_boot_tsc(void);
/* TSC ticks per second, measured against the PIT at boot (outside Xen). */
uint64_t uk_tsc_hz(void);

/* --- Waiting --- */
static inline void uk_pause(void) { __asm__ __volatile__("pause"); }
static inline void uk_barrier(void) { __asm__ __volatile__("mfence" ::: "memory"); }
static inline void uk_compiler_barrier(void) { __asm__ __volatile__("" ::: "memory"); }

/* --- Xen hypercalls, through the hypercall page installed at boot --- */
extern uint8_t uk_hypercall_page[4096];
static inline long uk_hypercall2(unsigned op, uint64_t a1, uint64_t a2) {
    long result;
    register uint64_t r1 __asm__("rdi") = a1;
    register uint64_t r2 __asm__("rsi") = a2;
    __asm__ __volatile__("call *%[entry]"
                         : "=a"(result), "+r"(r1), "+r"(r2)
                         : [entry] "r"(uk_hypercall_page + op * 32)
                         : "memory", "rcx", "r11", "rdx", "r10", "r8");
    return result;
}
static inline long uk_hypercall3(unsigned op, uint64_t a1, uint64_t a2, uint64_t a3) {
    long result;
    register uint64_t r1 __asm__("rdi") = a1;
    register uint64_t r2 __asm__("rsi") = a2;
    register uint64_t r3 __asm__("rdx") = a3;
    __asm__ __volatile__("call *%[entry]"
                         : "=a"(result), "+r"(r1), "+r"(r2), "+r"(r3)
                         : [entry] "r"(uk_hypercall_page + op * 32)
                         : "memory", "rcx", "r11", "r10", "r8");
    return result;
}

/* --- Memory --- */
void *memset(void *destination, int value, size_t length);
size_t strlen(const char *text);
void *memcpy(void *destination, const void *source, size_t length);
/* Maps one physical page (outside RAM, e.g. a Xen ring) read/write, no-execute, at the
 * same virtual address. Panics once the page tables are sealed. */
void uk_map_page(uint64_t physical);
/* Makes the page tables read-only: no later mapping change is possible. */
void uk_seal_page_tables(void);
int uk_page_tables_sealed(void);
/* malloc by another name: the optimizer may not assume it succeeds (for the self-test). */
void *uk_heap_try_allocate(size_t size);
void free(void *pointer);
/* The top-level page table (for the self-test's check that sealing took). */
void *uk_page_table_root(void);
/* A zeroed, page-aligned block of whole pages from the heap. */
void *uk_alloc_pages(size_t pages);

struct uk_heap_stats {
    uint64_t heap_bytes;        /* the heap's size */
    uint64_t used_bytes;        /* bytes in live blocks (rounded to their size class) */
    uint64_t peak_bytes;
    uint64_t allocations;
    uint64_t frees;
    uint64_t failures;          /* requests the heap could not satisfy */
};
void uk_heap_stats(struct uk_heap_stats *stats);

/* --- Layout, for permission checks --- */
extern uint8_t __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern uint8_t __data_start[], __bss_end[], __stack_guard[], __image_start[], __image_end[];
struct uk_image_layout {
    uint64_t text_start, text_end, rodata_start, rodata_end, data_start, bss_end, stack_guard, image_end;
};
struct uk_image_layout uk_image_layout(void);
uint64_t uk_heap_start(void);
uint64_t uk_heap_end(void);

/* --- Probes: try an access the page tables should forbid; 1 if it faulted --- */
int uk_probe_write(volatile uint8_t *address);
int uk_probe_read(volatile uint8_t *address);
int uk_probe_execute(void *address);

/* --- Randomness --- */
/* The stack protector's canary, random since boot. */
extern uintptr_t __stack_chk_guard;
void arc4random_buf(void *buffer, size_t length);
/* 2: RDSEED, 1: RDRAND, 0: no hardware source (a TSC-seeded generator; weak). */
int uk_random_source(void);

/* --- Port I/O --- */
static inline void uk_outb(uint16_t port, uint8_t value) { __asm__ __volatile__("outb %0, %1" ::"a"(value), "Nd"(port)); }
static inline uint8_t uk_inb(uint16_t port) {
    uint8_t value;
    __asm__ __volatile__("inb %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

#endif
