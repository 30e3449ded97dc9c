/*
 * The page tables that replace the boot map: 4 KiB pages over RAM, identity-mapped,
 * with write-xor-execute. Text is read+execute, rodata read-only, data, bss, stack and
 * heap read+write and no-execute. Page 0, a page below the stack and a page on each
 * side of the heap stay unmapped, so a null dereference, a stack overflow or a heap
 * overrun at its ends faults instead of corrupting. CR0.WP (set at entry) makes the
 * permissions bind ring 0 too, and uk_seal_page_tables() makes the tables themselves
 * read-only, so no later bug can remap text writable.
 */
#include "internal.h"
#include "unikernel.h"

#define PRESENT 0x1ull
#define WRITABLE 0x2ull
#define NO_EXECUTE (1ull << 63)
#define CR0_WP (1ull << 16)
#define ADDRESS_MASK 0x000ffffffffff000ull

/* Enough for UK_MAPPED_LIMIT of 4 KiB pages, plus the upper levels and a few pages
 * outside RAM (Xen's rings). */
#define POOL_PAGES ((UK_MAPPED_LIMIT >> 21) + 16)
static uint64_t pool[POOL_PAGES][512] __attribute__((aligned(4096), section(".bss.pagetables")));
static unsigned pool_used;
static uint64_t *root;
static int sealed;
static uint64_t heap_start, heap_end;

uint64_t uk_heap_start(void) { return heap_start; }
uint64_t uk_heap_end(void) { return heap_end; }
int uk_page_tables_sealed(void) { return sealed; }
void *uk_page_table_root(void) { return root; }

struct uk_image_layout uk_image_layout(void) {
    return (struct uk_image_layout){
        (uintptr_t)__text_start, (uintptr_t)__text_end, (uintptr_t)__rodata_start, (uintptr_t)__rodata_end,
        (uintptr_t)__data_start, (uintptr_t)__bss_end, (uintptr_t)__stack_guard, (uintptr_t)__image_end};
}

static uint64_t *new_table(void) {
    if (pool_used == POOL_PAGES) uk_panic("paging: the page-table pool is exhausted");
    uint64_t *table = pool[pool_used++];
    for (int i = 0; i < 512; i++) table[i] = 0;
    return table;
}

/* The level-1 entry for `address`, creating the tables above it. */
static uint64_t *entry_for(uint64_t address) {
    uint64_t *table = root;
    for (int shift = 39; shift > 12; shift -= 9) {
        uint64_t *slot = &table[(address >> shift) & 511];
        if (!(*slot & PRESENT)) *slot = (uint64_t)(uintptr_t)new_table() | PRESENT | WRITABLE;
        table = (uint64_t *)(uintptr_t)(*slot & ADDRESS_MASK);
    }
    return &table[(address >> 12) & 511];
}

static int inside(uint64_t page, const void *start, const void *end) {
    return page >= (uint64_t)(uintptr_t)start && page < (uint64_t)(uintptr_t)end;
}

static int inside_module(uint64_t page) {
    for (int i = 0; i < uk_module_count(); i++) {
        struct uk_module module = uk_module(i);
        if (page + 4096 > module.address && page < module.address + module.size) return 1;
    }
    return 0;
}

static uint64_t permissions(uint64_t page) {
    if (page == 0) return 0;
    if (inside(page, __stack_guard, __stack_guard + 4096)) return 0;
    if (page == heap_start - 4096 || page == heap_end) return 0;
    if (inside(page, __text_start, __text_end)) return PRESENT;
    if (inside(page, __rodata_start, __rodata_end)) return PRESENT | NO_EXECUTE;
    /* Module pages are read-only, except one the image's own last page shares. */
    if (!inside(page, __image_start, __image_end) && inside_module(page)) return PRESENT | NO_EXECUTE;
    return PRESENT | WRITABLE | NO_EXECUTE;
}

static void load_root(void) { __asm__ __volatile__("mov %0, %%cr3" ::"r"((uint64_t)(uintptr_t)root) : "memory"); }

/* The heap is the largest stretch of RAM above the image that no module covers
 * (loaders put a ramdisk right after the image or at the top of RAM), less a guard page
 * at each end. */
static void place_heap(uint64_t ram_top) {
    uint64_t start = ((uint64_t)(uintptr_t)__image_end + 4095) & ~4095ull;
    uint64_t best_start = 0, best_end = 0;
    while (start < ram_top) {
        /* The end of this stretch: the nearest module that starts at or after `start`,
         * or the top of RAM; a module covering `start` moves it past the module. */
        uint64_t end = ram_top, skip = 0;
        for (int i = 0; i < uk_module_count(); i++) {
            struct uk_module module = uk_module(i);
            uint64_t first = module.address & ~4095ull, last = (module.address + module.size + 4095) & ~4095ull;
            if (first <= start && last > start && last > skip) skip = last;
            else if (first > start && first < end) end = first;
        }
        if (skip) { start = skip; continue; }
        if (end - start > best_end - best_start) { best_start = start; best_end = end; }
        start = end;
    }
    heap_start = best_start + 4096;
    heap_end = best_end - 4096;
}

void paging_init(uint64_t ram_top) {
    place_heap(ram_top);
    if (heap_end <= heap_start + (1u << 20)) uk_panic("paging: less than 1 MiB of RAM above the image");
    root = new_table();
    /* One walk down the tables per 2 MiB, not per page: 8192 walks for 32 MB were a
     * good part of the boot under an emulated CPU. */
    uint64_t *level1 = 0;
    for (uint64_t page = 0; page < ram_top; page += 4096) {
        unsigned index = (page >> 12) & 511;
        if (index == 0 || !level1) level1 = entry_for(page) - index;
        uint64_t flags = permissions(page);
        if (flags) level1[index] = page | flags;
    }
    load_root();
}

void uk_map_page(uint64_t physical) {
    if (sealed) uk_panic("paging: a page was mapped after the tables were sealed");
    physical &= ~4095ull;
    *entry_for(physical) = physical | PRESENT | WRITABLE | NO_EXECUTE;
    __asm__ __volatile__("invlpg (%0)" ::"r"(physical) : "memory");
}

/* Sealing writes entries into tables whose own pages it has already made read-only;
 * with CR0.WP set that only worked while stale TLB entries still allowed the write (a
 * load base other than 1 MiB faulted), so write protection is off for the loop (one
 * vCPU, interrupts off) and back on before the new tables are loaded. */
void uk_seal_page_tables(void) {
    if (sealed) return;
    uint64_t cr0;
    __asm__ __volatile__("mov %%cr0, %0" : "=r"(cr0));
    __asm__ __volatile__("mov %0, %%cr0" ::"r"(cr0 & ~CR0_WP) : "memory");
    unsigned used = pool_used;
    for (unsigned i = 0; i < used; i++) {
        uint64_t page = (uint64_t)(uintptr_t)pool[i];
        *entry_for(page) = page | PRESENT | NO_EXECUTE;
    }
    __asm__ __volatile__("mov %0, %%cr0" ::"r"(cr0) : "memory");
    if (pool_used != used) uk_panic("paging: sealing needed a new table");
    sealed = 1;
    load_root();
}
