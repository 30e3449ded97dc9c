/*
 * The first C code: from the PVH entry to Swift's unikernel_main. Order matters:
 * the start info (command line, memory map, module list) is read before the heap can
 * cover it, and the heap avoids the modules, the hypercall page comes
 * before the console (a domU's console needs hypercalls), and the stack canary is
 * set before any Swift code runs.
 */
#include "cxen.h"
#include "internal.h"
#include "unikernel.h"

static char cmdline[1024];
static int is_dom0;
static uint64_t ram_bytes;

int uk_is_dom0(void) { return is_dom0; }
const char *uk_cmdline(void) { return cmdline; }
uint64_t uk_ram_bytes(void) { return ram_bytes; }

extern void unikernel_main(void);

/* The top of usable RAM from the PVH memory map (version 1), clamped to what we map. */
static uint64_t ram_top(const struct hvm_start_info *info) {
    uint64_t top = 0;
    if (info->version >= 1 && info->memmap_entries > 0) {
        const struct hvm_memmap_table_entry *map = (const void *)(uintptr_t)info->memmap_paddr;
        for (uint32_t i = 0; i < info->memmap_entries; i++) {
            if (map[i].type != XEN_HVM_MEMMAP_TYPE_RAM) continue;
            uint64_t end = map[i].addr + map[i].size;
            /* The region that holds the image is the one the heap follows. */
            if (map[i].addr <= (uint64_t)(uintptr_t)__image_end && end > top) top = end;
        }
    }
    if (top == 0) top = 32ull << 20; /* no map: assume the smallest guest we support */
    if (top > UK_MAPPED_LIMIT) top = UK_MAPPED_LIMIT;
    return top & ~0xfffull;
}

static void copy_cmdline(const struct hvm_start_info *info) {
    if (!info->cmdline_paddr) return;
    const char *source = (const char *)(uintptr_t)info->cmdline_paddr;
    size_t i = 0;
    for (; i + 1 < sizeof cmdline && source[i]; i++) cmdline[i] = source[i];
    cmdline[i] = 0;
}

/* The loader's modules (a ramdisk, data files): kept out of the heap and mapped
 * read-only, for the image to read. */
static struct uk_module modules[UK_MAX_MODULES];
static int module_count;

int uk_module_count(void) { return module_count; }

struct uk_module uk_module(int index) {
    struct uk_module none = {0, 0};
    return index >= 0 && index < module_count ? modules[index] : none;
}

/* Copies the module list out of the start info. */
static void copy_modules(const struct hvm_start_info *info) {
    if (!info->modlist_paddr) return;
    const struct hvm_modlist_entry *list = (const void *)(uintptr_t)info->modlist_paddr;
    for (uint32_t i = 0; i < info->nr_modules && module_count < UK_MAX_MODULES; i++) {
        if (list[i].size == 0) continue;
        modules[module_count].address = list[i].paddr;
        modules[module_count].size = list[i].size;
        module_count++;
    }
}

static uint64_t boot_tsc;

uint64_t uk_boot_tsc(void) { return boot_tsc; }

void unikernel_boot(uint32_t start_info) {
    boot_tsc = uk_rdtsc();
    const struct hvm_start_info *info = (const void *)(uintptr_t)start_info;
    if (info->magic != XEN_HVM_START_MAGIC_VALUE) uk_poweroff(2);
    copy_cmdline(info);
    copy_modules(info);
    is_dom0 = (info->flags & SIF_INITDOMAIN) != 0;
    uint64_t top = ram_top(info);
    ram_bytes = top;

    xen_detect();
    traps_init();
    paging_init(top);
    heap_init(uk_heap_start(), uk_heap_end());
    console_init();
    random_init();
    stack_guard_init();
    timer_calibrate();

    unikernel_main();
    uk_poweroff(0);
}
