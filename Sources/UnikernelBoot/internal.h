/* Boot-time entry points shared by the boot target's files (not for Swift). */
#ifndef UNIKERNEL_INTERNAL_H
#define UNIKERNEL_INTERNAL_H
#include <stdint.h>

/* Identity-mapped RAM ends here at most: the heap and page tables cover no more. */
#define UK_MAPPED_LIMIT (512ull << 20)

void xen_detect(void);
void traps_init(void);
void paging_init(uint64_t ram_top);
void heap_init(uint64_t start, uint64_t end);
void console_init(void);
void random_init(void);
void stack_guard_init(void);
void timer_calibrate(void);
void console_put_string(const char *text);
void console_put_hex(uint64_t value);

long xen_get_param(uint32_t index, uint64_t *value);
_Noreturn void xen_shutdown(unsigned reason);

#endif
