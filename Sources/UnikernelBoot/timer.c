/*
 * The TSC's rate outside Xen (under Xen the PV clock gives it): counted against the
 * PIT's channel 0, which ticks at 1,193,182 Hz, over 20 ms. microvm has a PIT but no
 * speaker port, so the channel's counter is read directly, wraps included.
 */
#include "internal.h"
#include "unikernel.h"

static uint64_t tsc_hz;

uint64_t uk_tsc_hz(void) { return tsc_hz; }

static uint16_t pit_read(void) {
    uk_outb(0x43, 0x00); /* latch channel 0 */
    uint8_t low = uk_inb(0x40);
    uint8_t high = uk_inb(0x40);
    return (uint16_t)(low | (high << 8));
}

void timer_calibrate(void) {
    if (uk_on_xen()) return;
    uk_outb(0x43, 0x34); /* channel 0, low then high byte, mode 2, binary */
    uk_outb(0x40, 0);
    uk_outb(0x40, 0); /* 65536: the longest period */
    const uint32_t target = 1193182 / 50;
    uint32_t elapsed = 0;
    uint16_t last = pit_read();
    uint64_t start = uk_rdtsc();
    for (uint64_t spins = 0; elapsed < target; spins++) {
        uint16_t now = pit_read();
        elapsed += (uint16_t)(last - now);
        last = now;
        if (spins > 50000000) {
            console_put_string("timer: the PIT does not count; assuming a 1 GHz TSC\n");
            tsc_hz = 1000000000;
            return;
        }
    }
    tsc_hz = (uk_rdtsc() - start) * 50;
}
