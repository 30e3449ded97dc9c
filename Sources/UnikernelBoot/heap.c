/*
 * The heap behind Swift's allocations: power-of-two size classes from 32 bytes to
 * 1 MiB, each with a free list, carved from one bounded region; larger blocks are whole
 * pages kept on a list of their own and reused first-fit. Nothing is returned to the
 * region, so a steady state (the appliances allocate at set-up, not per packet) reuses
 * the same blocks. Each block carries a header checked on free: a double free or a
 * stray pointer panics instead of corrupting the lists.
 */
#include "internal.h"
#include "unikernel.h"

#define HEADER 16
#define SMALLEST_SHIFT 5
#define LARGEST_SHIFT 20
#define CLASSES (LARGEST_SHIFT - SMALLEST_SHIFT + 1)
#define LARGE_CLASS 0xffff
#define MAGIC_LIVE 0x4c495645u
#define MAGIC_FREE 0x46524545u

struct header {
    uint32_t magic;
    uint16_t size_class;
    uint16_t reserved;
    /* For a large block, its size; for an over-aligned one, the distance back to the
     * block's start. */
    uint32_t large_pages;
    uint32_t offset;
};

/* Free blocks keep the header's first word, so a second free still sees MAGIC_FREE. */
struct free_block {
    uint32_t magic;
    uint32_t reserved;
    struct free_block *next;
};

struct large_block {
    uint32_t magic;
    uint32_t reserved;
    struct large_block *next;
    uint64_t pages;
};

static uint64_t cursor, limit;
static struct free_block *free_lists[CLASSES];
static struct large_block *free_large;
static struct uk_heap_stats stats;

void heap_init(uint64_t start, uint64_t end) {
    cursor = start;
    limit = end;
    stats.heap_bytes = end - start;
}

void uk_heap_stats(struct uk_heap_stats *out) { *out = stats; }

static void *carve(uint64_t bytes, uint64_t alignment) {
    uint64_t start = (cursor + alignment - 1) & ~(alignment - 1);
    if (start + bytes > limit || start + bytes < start) return 0;
    cursor = start + bytes;
    return (void *)(uintptr_t)start;
}

static void account(uint64_t bytes) {
    stats.used_bytes += bytes;
    if (stats.used_bytes > stats.peak_bytes) stats.peak_bytes = stats.used_bytes;
    stats.allocations++;
}

/* A block of at least `bytes` (header included), 16-aligned after its header. */
static struct header *block(uint64_t bytes) {
    if (bytes <= (1u << LARGEST_SHIFT)) {
        unsigned shift = SMALLEST_SHIFT;
        while ((1ull << shift) < bytes) shift++;
        unsigned index = shift - SMALLEST_SHIFT;
        struct header *h = (struct header *)free_lists[index];
        if (h) {
            free_lists[index] = ((struct free_block *)h)->next;
        } else if (!(h = carve(1ull << shift, shift >= 12 ? 4096 : 16))) {
            return 0;
        }
        h->size_class = (uint16_t)index;
        account(1ull << shift);
        return h;
    }
    uint64_t pages = (bytes + 4095) / 4096;
    for (struct large_block **link = &free_large; *link; link = &(*link)->next) {
        struct large_block *candidate = *link;
        if (candidate->pages >= pages && candidate->pages <= pages + pages / 4) {
            *link = candidate->next;
            struct header *h = (struct header *)candidate;
            h->size_class = LARGE_CLASS;
            h->large_pages = (uint32_t)candidate->pages;
            account(h->large_pages * 4096ull);
            return h;
        }
    }
    struct header *h = carve(pages * 4096, 4096);
    if (!h) return 0;
    h->size_class = LARGE_CLASS;
    h->large_pages = (uint32_t)pages;
    account(pages * 4096);
    return h;
}

int posix_memalign(void **result, size_t alignment, size_t size) {
    if (alignment < 16) alignment = 16;
    if (alignment & (alignment - 1)) return 22; /* EINVAL */
    uint64_t extra = alignment > 16 ? alignment : 0;
    struct header *h = block(size + HEADER + extra);
    if (!h) {
        stats.failures++;
        return 12; /* ENOMEM */
    }
    h->magic = MAGIC_LIVE;
    uint64_t payload = (uint64_t)(uintptr_t)h + HEADER;
    uint64_t aligned = (payload + alignment - 1) & ~(alignment - 1);
    struct header *front = (struct header *)(uintptr_t)(aligned - HEADER);
    if (front != h) {
        *front = *h;
        front->offset = (uint32_t)((uint64_t)(uintptr_t)front - (uint64_t)(uintptr_t)h);
    } else {
        h->offset = 0;
    }
    *result = (void *)(uintptr_t)aligned;
    return 0;
}

void *uk_heap_try_allocate(size_t size) {
    void *p = 0;
    return posix_memalign(&p, 16, size) == 0 ? p : 0;
}

void free(void *pointer) {
    if (!pointer) return;
    struct header *front = (struct header *)((uint8_t *)pointer - HEADER);
    if (front->magic != MAGIC_LIVE) uk_panic(front->magic == MAGIC_FREE ? "heap: double free" : "heap: free of a pointer it never gave");
    struct header *h = (struct header *)((uint8_t *)front - front->offset);
    front->magic = MAGIC_FREE;
    h->magic = MAGIC_FREE;
    stats.frees++;
    if (h->size_class == LARGE_CLASS) {
        uint64_t pages = h->large_pages;
        stats.used_bytes -= pages * 4096;
        struct large_block *large = (struct large_block *)h;
        large->pages = pages;
        large->next = free_large;
        free_large = large;
        return;
    }
    unsigned index = h->size_class;
    if (index >= CLASSES) uk_panic("heap: corrupt block header");
    stats.used_bytes -= 1ull << (index + SMALLEST_SHIFT);
    struct free_block *f = (struct free_block *)h;
    f->next = free_lists[index];
    free_lists[index] = f;
}

void *uk_alloc_pages(size_t pages) {
    void *p = 0;
    if (posix_memalign(&p, 4096, pages * 4096) != 0) uk_panic("heap: exhausted allocating pages");
    memset(p, 0, pages * 4096);
    return p;
}
