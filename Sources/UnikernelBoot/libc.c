/*
 * The few C library functions Embedded Swift's code calls: memory moves, ceil, and the
 * stack protector's guard and failure path.
 */
#include "internal.h"
#include "unikernel.h"

/* Eight bytes per step for the bulk, then the tail byte by byte: the same on hardware
 * (fast string operations), and an eighth of the steps where the CPU is emulated (TCG
 * runs each step of a rep prefix on its own): zeroing a vif's 2 MB of ring pages at boot
 * took milliseconds that way. */
void *memset(void *destination, int value, size_t length) {
    uint8_t *d = destination;
    size_t words = length / 8, tail = length % 8;
    uint64_t pattern = 0x0101010101010101ull * (uint8_t)value;
    __asm__ __volatile__("rep stosq" : "+D"(d), "+c"(words) : "a"(pattern) : "memory");
    __asm__ __volatile__("rep stosb" : "+D"(d), "+c"(tail) : "a"(value) : "memory");
    return destination;
}

void *memcpy(void *destination, const void *source, size_t length) {
    uint8_t *d = destination;
    const uint8_t *s = source;
    size_t words = length / 8, tail = length % 8;
    __asm__ __volatile__("rep movsq" : "+D"(d), "+S"(s), "+c"(words) : : "memory");
    __asm__ __volatile__("rep movsb" : "+D"(d), "+S"(s), "+c"(tail) : : "memory");
    return destination;
}

void *memmove(void *destination, const void *source, size_t length) {
    uint8_t *d = destination;
    const uint8_t *s = source;
    if (d <= s || d >= s + length) return memcpy(destination, source, length);
    d += length - 1;
    s += length - 1;
    __asm__ __volatile__("std; rep movsb; cld" : "+D"(d), "+S"(s), "+c"(length) : : "memory");
    return destination;
}

int memcmp(const void *a, const void *b, size_t length) {
    const uint8_t *x = a, *y = b;
    for (size_t i = 0; i < length; i++)
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    return 0;
}

size_t strlen(const char *text) {
    size_t n = 0;
    while (text[n]) n++;
    return n;
}

/* Rounds up without the FPU environment: values of 2^52 and above are already whole. */
double ceil(double x) {
    if (!(x == x) || x >= 4503599627370496.0 || x <= -4503599627370496.0) return x;
    double truncated = (double)(int64_t)x;
    if (truncated < x) truncated += 1.0;
    if (truncated == 0.0 && x < 0) return -0.0;
    return truncated;
}

uintptr_t __stack_chk_guard = 0x595e9fbd94fda766ull;

void stack_guard_init(void) {
    uintptr_t value = 0;
    arc4random_buf(&value, sizeof value);
    value &= ~(uintptr_t)0xff; /* a zero low byte stops string overruns reading it */
    __stack_chk_guard = value;
}

_Noreturn void __stack_chk_fail(void) { uk_panic("stack smashing detected"); }
