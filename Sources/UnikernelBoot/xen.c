/*
 * Finding Xen, installing its hypercall page, and the pieces every later step needs
 * from it: shutdown and the HVM parameters.
 */
#include "cxen.h"
#include "internal.h"
#include "unikernel.h"

/* uk_hypercall_page lives in pvh_start.S, in the text section: Xen fills it with call stubs. */
static int on_xen;

int uk_on_xen(void) { return on_xen; }

static void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d) {
    __asm__ __volatile__("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

static void wrmsr(uint32_t msr, uint64_t value) {
    __asm__ __volatile__("wrmsr" ::"c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
}

/* Xen's leaves sit at 0x40000000 or, beside Viridian, one or more 0x100 steps above. */
void xen_detect(void) {
    for (uint32_t base = 0x40000000; base < 0x40010000; base += 0x100) {
        uint32_t a, b, c, d;
        cpuid(base, &a, &b, &c, &d);
        if (b == 0x566e6558 && c == 0x65584d4d && d == 0x4d4d566e && a >= base + 2) {
            cpuid(base + 2, &a, &b, &c, &d);
            /* EBX names the MSR; writing the page's address fills it with call stubs. */
            wrmsr(b, (uint64_t)(uintptr_t)uk_hypercall_page);
            on_xen = 1;
            return;
        }
    }
}

static long hvm_param(uint32_t op, uint32_t index, uint64_t *value) {
    struct xen_hvm_param param = {.domid = DOMID_SELF, .index = index, .value = *value};
    long rc = uk_hypercall2(__HYPERVISOR_hvm_op, op, (uint64_t)(uintptr_t)&param);
    *value = param.value;
    return rc;
}

long xen_get_param(uint32_t index, uint64_t *value) { return hvm_param(HVMOP_get_param, index, value); }

_Noreturn void xen_shutdown(unsigned reason) {
    struct sched_shutdown shutdown = {.reason = reason};
    for (;;) uk_hypercall2(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (uint64_t)(uintptr_t)&shutdown);
}
