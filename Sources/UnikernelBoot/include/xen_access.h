/*
 * Small inline accessors for Xen structures whose arrays or macros Swift cannot reach
 * directly (C arrays import as tuples; the RING_* and atomic operations are macros).
 * Each is a line of C over the real header's definitions: no struct is copied by hand.
 */
#ifndef UNIKERNEL_XEN_ACCESS_H
#define UNIKERNEL_XEN_ACCESS_H
#include "cxen.h"
#include <stddef.h>
#include "unikernel.h"
void *memset(void *destination, int value, size_t length);

/* Macros built from xen_mk_uint do not import; constants do. */
static const domid_t uk_domid_self = DOMID_SELF;

static inline uint64_t uk_atomic_exchange(volatile uint64_t *word, uint64_t value) {
    return __atomic_exchange_n(word, value, __ATOMIC_SEQ_CST);
}
static inline uint64_t uk_atomic_fetch_and(volatile uint64_t *word, uint64_t mask) {
    return __atomic_fetch_and(word, mask, __ATOMIC_SEQ_CST);
}

/* --- shared_info and the PV clock --- */
static inline struct vcpu_info *uk_vcpu_info(struct shared_info *shared) { return &shared->vcpu_info[0]; }
static inline volatile uint64_t *uk_evtchn_pending(struct shared_info *shared) {
    return (volatile uint64_t *)shared->evtchn_pending;
}
static inline volatile uint64_t *uk_evtchn_mask(struct shared_info *shared) { return (volatile uint64_t *)shared->evtchn_mask; }
static inline volatile uint64_t *uk_evtchn_pending_selector(struct shared_info *shared) {
    return (volatile uint64_t *)&shared->vcpu_info[0].evtchn_pending_sel;
}
static inline volatile struct vcpu_time_info *uk_vcpu_time(struct shared_info *shared) {
    return &shared->vcpu_info[0].time;
}
static inline uint32_t uk_time_version(volatile struct vcpu_time_info *time) {
    uint32_t version = time->version;
    __asm__ __volatile__("" ::: "memory");
    return version;
}

/* --- Blocking on ports (SCHEDOP_poll) --- */
/* Blocks until one of `ports` is pending or Xen's system time reaches `deadline` (ns;
 * 0: no deadline). Xen checks the pending bits after marking the vCPU blocked, so an
 * event that lands between our last look and this call still wakes it at once. */
static inline long uk_poll_ports(evtchn_port_t *ports, unsigned count, uint64_t deadline) {
    struct sched_poll poll;
    set_xen_guest_handle(poll.ports, ports);
    poll.nr_ports = count;
    poll.timeout = deadline;
    register uint64_t a1 __asm__("rdi") = SCHEDOP_poll;
    register uint64_t a2 __asm__("rsi") = (uint64_t)(uintptr_t)&poll;
    long result;
    __asm__ __volatile__("call *%[entry]"
                         : "=a"(result), "+r"(a1), "+r"(a2)
                         : [entry] "r"(uk_hypercall_page + __HYPERVISOR_sched_op * 32)
                         : "memory", "rcx", "r11", "rdx", "r10", "r8");
    return result;
}

/* --- The netif rings (io/netif.h, io/ring.h) --- */
static inline void uk_netif_tx_init(netif_tx_sring_t *shared, netif_tx_front_ring_t *front) {
    SHARED_RING_INIT(shared);
    FRONT_RING_INIT(front, shared, 4096);
}
static inline void uk_netif_rx_init(netif_rx_sring_t *shared, netif_rx_front_ring_t *front) {
    SHARED_RING_INIT(shared);
    FRONT_RING_INIT(front, shared, 4096);
}
static inline unsigned uk_netif_tx_size(netif_tx_front_ring_t *front) { return RING_SIZE(front); }
static inline unsigned uk_netif_rx_size(netif_rx_front_ring_t *front) { return RING_SIZE(front); }
static inline netif_tx_request_t *uk_netif_tx_request(netif_tx_front_ring_t *front, RING_IDX index) {
    return RING_GET_REQUEST(front, index);
}
static inline netif_tx_response_t *uk_netif_tx_response(netif_tx_front_ring_t *front, RING_IDX index) {
    return RING_GET_RESPONSE(front, index);
}
static inline netif_rx_request_t *uk_netif_rx_request(netif_rx_front_ring_t *front, RING_IDX index) {
    return RING_GET_REQUEST(front, index);
}
static inline netif_rx_response_t *uk_netif_rx_response(netif_rx_front_ring_t *front, RING_IDX index) {
    return RING_GET_RESPONSE(front, index);
}
/* Publishes requests made so far; nonzero when the backend must be notified. */
static inline int uk_netif_tx_push(netif_tx_front_ring_t *front) {
    int notify;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(front, notify);
    return notify;
}
static inline int uk_netif_rx_push(netif_rx_front_ring_t *front) {
    int notify;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(front, notify);
    return notify;
}
/* Nonzero when responses are waiting; rearms the backend's event when none are. */
static inline int uk_netif_tx_more(netif_tx_front_ring_t *front) {
    int more;
    RING_FINAL_CHECK_FOR_RESPONSES(front, more);
    return more;
}
static inline int uk_netif_rx_more(netif_rx_front_ring_t *front) {
    int more;
    RING_FINAL_CHECK_FOR_RESPONSES(front, more);
    return more;
}
static inline RING_IDX uk_netif_rx_shared_producer(netif_rx_front_ring_t *front) { return front->sring->rsp_prod; }
static inline RING_IDX uk_netif_tx_shared_producer(netif_tx_front_ring_t *front) { return front->sring->rsp_prod; }

/* --- The xenstore ring (io/xs_wire.h) --- */
static inline char *uk_xenstore_request_bytes(struct xenstore_domain_interface *ring) { return ring->req; }
static inline char *uk_xenstore_response_bytes(struct xenstore_domain_interface *ring) { return ring->rsp; }

/* --- grant table v1 entries --- */
static inline void uk_grant_entry_set(grant_entry_v1_t *entry, domid_t domid, uint32_t frame, int readonly) {
    entry->domid = domid;
    entry->frame = frame;
    __asm__ __volatile__("" ::: "memory");
    entry->flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
}
#endif
