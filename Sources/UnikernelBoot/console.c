/*
 * The console: COM1 outside Xen, Xen's own console (console_io) as dom0, and the PV
 * console ring as a domU (a release Xen refuses console_io to a domU). Output is kept
 * per line so a hypercall or ring notification carries a whole line.
 */
#include "cxen.h"
#include "internal.h"
#include "unikernel.h"

enum console_kind { CONSOLE_SERIAL, CONSOLE_XEN_IO, CONSOLE_XEN_RING };
static enum console_kind kind = CONSOLE_SERIAL;
static struct xencons_interface *ring;
static uint32_t ring_port;
static char line[256];
static size_t line_length;

static void serial_write(const char *bytes, size_t length) {
    for (size_t i = 0; i < length; i++) {
        for (int spin = 0; spin < 100000 && !(uk_inb(0x3fd) & 0x20); spin++) uk_pause();
        uk_outb(0x3f8, (uint8_t)bytes[i]);
    }
}

static void ring_write(const char *bytes, size_t length) {
    while (length > 0) {
        XENCONS_RING_IDX cons = ring->out_cons, prod = ring->out_prod;
        uk_barrier();
        size_t room = sizeof ring->out - (prod - cons);
        if (room == 0) {
            /* xenconsoled drains it; let it run. */
            uk_hypercall2(__HYPERVISOR_sched_op, SCHEDOP_yield, 0);
            continue;
        }
        size_t n = length < room ? length : room;
        for (size_t i = 0; i < n; i++) ring->out[MASK_XENCONS_IDX(prod + i, ring->out)] = bytes[i];
        uk_barrier();
        ring->out_prod = prod + (XENCONS_RING_IDX)n;
        struct evtchn_send send = {.port = ring_port};
        uk_hypercall2(__HYPERVISOR_event_channel_op, EVTCHNOP_send, (uint64_t)(uintptr_t)&send);
        bytes += n;
        length -= n;
    }
}

static void emit(const char *bytes, size_t length) {
    switch (kind) {
    case CONSOLE_SERIAL: serial_write(bytes, length); break;
    case CONSOLE_XEN_IO:
        uk_hypercall3(__HYPERVISOR_console_io, CONSOLEIO_write, length, (uint64_t)(uintptr_t)bytes);
        break;
    case CONSOLE_XEN_RING: ring_write(bytes, length); break;
    }
}

void console_init(void) {
    if (!uk_on_xen()) return;
    if (uk_is_dom0()) {
        kind = CONSOLE_XEN_IO;
        return;
    }
    uint64_t pfn = 0, port = 0;
    if (xen_get_param(HVM_PARAM_CONSOLE_PFN, &pfn) == 0 && xen_get_param(HVM_PARAM_CONSOLE_EVTCHN, &port) == 0 && pfn) {
        uk_map_page(pfn << 12);
        ring = (struct xencons_interface *)(uintptr_t)(pfn << 12);
        ring_port = (uint32_t)port;
        kind = CONSOLE_XEN_RING;
    }
}

void uk_console_flush(void) {
    if (line_length) emit(line, line_length);
    line_length = 0;
}

void uk_console_write(const char *bytes, size_t length) {
    for (size_t i = 0; i < length; i++) {
        line[line_length++] = bytes[i];
        if (bytes[i] == '\n' || line_length == sizeof line) uk_console_flush();
    }
}

int putchar(int c) {
    char byte = (char)c;
    uk_console_write(&byte, 1);
    return c;
}

void console_put_string(const char *text) {
    size_t n = 0;
    while (text[n]) n++;
    uk_console_write(text, n);
}

void console_put_hex(uint64_t value) {
    char digits[18] = {'0', 'x'};
    for (int i = 0; i < 16; i++) digits[2 + i] = "0123456789abcdef"[(value >> (60 - 4 * i)) & 0xf];
    uk_console_write(digits, sizeof digits);
}
