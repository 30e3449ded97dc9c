/*
 * The Xen public interface, imported as it is from libxen-dev. The build points the
 * include path at a folder holding only a `xen` link to /usr/include/xen, so no libc
 * header comes with it.
 */
#ifndef UNIKERNEL_CXEN_H
#define UNIKERNEL_CXEN_H

#define __XEN_INTERFACE_VERSION__ 0x00040e00
#define xen_mb() __asm__ __volatile__("mfence" ::: "memory")
#define xen_rmb() __asm__ __volatile__("" ::: "memory")
#define xen_wmb() __asm__ __volatile__("" ::: "memory")

#include <stdint.h>
#include <xen/xen.h>
#include <xen/arch-x86/hvm/start_info.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/io/console.h>
#include <xen/io/netif.h>
#include <xen/io/ring.h>
#include <xen/io/xs_wire.h>

#endif
