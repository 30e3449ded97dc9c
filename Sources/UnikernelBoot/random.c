/*
 * arc4random_buf from the CPU: RDSEED where present, else RDRAND. Without either the
 * bytes come from a TSC-seeded generator, which is predictable; boot says so on the
 * console and uk_random_source() reports 0 so an image can refuse to run on it.
 */
#include "internal.h"
#include "unikernel.h"

static int source;
static uint64_t fallback_state;

int uk_random_source(void) { return source; }

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t *b, uint32_t *c) {
    uint32_t a, d;
    __asm__ __volatile__("cpuid" : "=a"(a), "=b"(*b), "=c"(*c), "=d"(d) : "a"(leaf), "c"(sub));
}

void random_init(void) {
    uint32_t b, c;
    cpuid(7, 0, &b, &c);
    if (b & (1u << 18)) { source = 2; return; }
    cpuid(1, 0, &b, &c);
    if (c & (1u << 30)) { source = 1; return; }
    fallback_state = uk_rdtsc() ^ 0x9e3779b97f4a7c15ull;
    console_put_string("random: no RDSEED or RDRAND; using a TSC-seeded generator (not secure)\n");
}

static int hardware_word(uint64_t *word) {
    for (int attempt = 0; attempt < 64; attempt++) {
        uint8_t ok;
        if (source == 2)
            __asm__ __volatile__("rdseed %0; setc %1" : "=r"(*word), "=qm"(ok));
        else
            __asm__ __volatile__("rdrand %0; setc %1" : "=r"(*word), "=qm"(ok));
        if (ok) return 1;
        uk_pause();
    }
    return 0;
}

static uint64_t next_word(void) {
    uint64_t word;
    if (source > 0 && hardware_word(&word)) return word;
    if (source > 0) uk_panic("random: the CPU's generator failed 64 times in a row");
    /* splitmix64 */
    uint64_t z = (fallback_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void arc4random_buf(void *buffer, size_t length) {
    uint8_t *bytes = buffer;
    while (length > 0) {
        uint64_t word = next_word();
        size_t n = length < 8 ? length : 8;
        for (size_t i = 0; i < n; i++) bytes[i] = (uint8_t)(word >> (8 * i));
        bytes += n;
        length -= n;
    }
}
