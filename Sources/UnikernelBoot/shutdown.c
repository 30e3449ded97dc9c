/*
 * Ending the run. Under Xen: SCHEDOP_shutdown, poweroff for a clean end and crash for
 * a panic, so the toolstack (or the lab) can tell them apart. Outside Xen: QEMU's
 * isa-debug-exit port, which exits QEMU with status (value << 1) | 1.
 */
#include "cxen.h"
#include "internal.h"
#include "unikernel.h"

static _Noreturn void debug_exit(uint8_t value) {
    uk_outb(0xf4, value);
    for (;;) __asm__ __volatile__("cli; hlt");
}

_Noreturn void uk_poweroff(int status) {
    uk_console_flush();
    if (uk_on_xen()) xen_shutdown(SHUTDOWN_poweroff);
    debug_exit((uint8_t)(status == 0 ? 0 : 0x10 | (status & 0xf)));
}

_Noreturn void uk_panic(const char *reason) {
    console_put_string("\npanic: ");
    console_put_string(reason);
    console_put_string("\n");
    uk_console_flush();
    if (uk_on_xen()) xen_shutdown(SHUTDOWN_crash);
    debug_exit(0x7f);
}
