// A packet socket's memory-mapped rings (PACKET_MMAP, TPACKET_V2): frames are read from
// and written to pages shared with the kernel, so a busy port costs no system call to
// read and one per batch to send.
//
// TPACKET_V2 rather than V3: V3 hands frames over a block at a time, and a block is only
// handed over when it fills or its retire timer (a millisecond at best) fires, so a lone
// frame (a ping) would wait up to that long. V2 hands over each frame as it lands.
#define _GNU_SOURCE
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include "CLinuxPlatform.h"

struct c_linux_platform_packet_ring {
    int fd;
    unsigned char *map;
    size_t map_length;
    unsigned char *rx;  // rx_frames frames of rx_frame_size bytes
    unsigned char *tx;  // then tx_frames frames of tx_frame_size bytes
    unsigned rx_frames, rx_head;
    unsigned tx_frames, tx_head;
};

enum { block_size = 1 << 16, rx_frame_size = 2048, tx_frame_size = 4096 };

static int ring_request(int fd, int option, unsigned frame_size, unsigned frames) {
    struct tpacket_req request;
    memset(&request, 0, sizeof request);
    request.tp_block_size = block_size;
    request.tp_frame_size = frame_size;
    request.tp_block_nr = frames / (block_size / frame_size);
    request.tp_frame_nr = request.tp_block_nr * (block_size / frame_size);
    return setsockopt(fd, SOL_PACKET, option, &request, sizeof request);
}

static unsigned round_frames(unsigned frames, unsigned frame_size) {
    unsigned per_block = block_size / frame_size;
    if (frames < per_block) frames = per_block;
    return frames / per_block * per_block;
}

struct c_linux_platform_packet_ring *c_linux_platform_packet_ring_open(int fd, unsigned rx_frames, unsigned tx_frames) {
    struct c_linux_platform_packet_ring *ring = calloc(1, sizeof *ring);
    if (!ring) return NULL;
    ring->fd = fd;
    ring->rx_frames = round_frames(rx_frames, rx_frame_size);
    ring->tx_frames = round_frames(tx_frames, tx_frame_size);
    int version = TPACKET_V2;
    if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &version, sizeof version) < 0 ||
        ring_request(fd, PACKET_RX_RING, rx_frame_size, ring->rx_frames) < 0 ||
        ring_request(fd, PACKET_TX_RING, tx_frame_size, ring->tx_frames) < 0)
        goto fail;
    ring->map_length = (size_t)ring->rx_frames * rx_frame_size + (size_t)ring->tx_frames * tx_frame_size;
    void *map = mmap(NULL, ring->map_length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED, fd, 0);
    if (map == MAP_FAILED) map = mmap(NULL, ring->map_length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) goto fail;
    ring->map = map;
    ring->rx = ring->map;
    ring->tx = ring->map + (size_t)ring->rx_frames * rx_frame_size;
    return ring;
fail: {
        int saved = errno;
        free(ring);
        errno = saved;
        return NULL;
    }
}

void c_linux_platform_packet_ring_close(struct c_linux_platform_packet_ring *ring) {
    if (!ring) return;
    if (ring->map) munmap(ring->map, ring->map_length);
    free(ring);
}

static struct tpacket2_hdr *rx_frame(struct c_linux_platform_packet_ring *ring, unsigned index) {
    return (struct tpacket2_hdr *)(ring->rx + (size_t)index * rx_frame_size);
}

static struct tpacket2_hdr *tx_frame(struct c_linux_platform_packet_ring *ring, unsigned index) {
    return (struct tpacket2_hdr *)(ring->tx + (size_t)index * tx_frame_size);
}

int c_linux_platform_packet_ring_receive_batch(struct c_linux_platform_packet_ring *ring, unsigned char *buffer,
                                               size_t stride, unsigned count, size_t *offsets, size_t *lengths,
                                               unsigned *received, unsigned *oversized) {
    if (stride <= 4) {
        errno = EINVAL;
        return -1;
    }
    *received = 0;
    int kept = 0;
    for (unsigned i = 0; i < count; i++) {
        struct tpacket2_hdr *header = rx_frame(ring, ring->rx_head);
        unsigned status = __atomic_load_n(&header->tp_status, __ATOMIC_ACQUIRE);
        if (!(status & TP_STATUS_USER)) break;
        (*received)++;
        const struct sockaddr_ll *name =
            (const struct sockaddr_ll *)((unsigned char *)header + TPACKET_ALIGN(sizeof(struct tpacket2_hdr)));
        size_t length = header->tp_snaplen;
        unsigned char *slot = buffer + (size_t)kept * stride;
        if (name->sll_pkttype == PACKET_OUTGOING) {
            // Our own transmission (kernels before 4.20 show them): skipped.
        } else if (header->tp_snaplen < header->tp_len || length > stride - 4) {
            (*oversized)++;
        } else {
            size_t offset = 4;
            memcpy(slot + 4, (unsigned char *)header + header->tp_mac, length);
            if ((status & TP_STATUS_VLAN_VALID) && length >= 12) {
                // The kernel took the 802.1Q tag out: put it back between the addresses
                // and the EtherType, as on the wire.
                unsigned short tpid = (status & TP_STATUS_VLAN_TPID_VALID) ? header->tp_vlan_tpid : ETH_P_8021Q;
                memmove(slot, slot + 4, 12);
                slot[12] = (unsigned char)(tpid >> 8);
                slot[13] = (unsigned char)tpid;
                slot[14] = (unsigned char)(header->tp_vlan_tci >> 8);
                slot[15] = (unsigned char)header->tp_vlan_tci;
                offset = 0;
                length += 4;
            }
            offsets[kept] = (size_t)kept * stride + offset;
            lengths[kept] = length;
            kept++;
        }
        __atomic_store_n(&header->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
        ring->rx_head = (ring->rx_head + 1) % ring->rx_frames;
    }
    return kept;
}

int c_linux_platform_packet_ring_send_batch(struct c_linux_platform_packet_ring *ring, const unsigned char *buffer,
                                            const size_t *offsets, const size_t *lengths, unsigned count) {
    // Frame data starts where a received frame's sockaddr_ll would (no PACKET_TX_HAS_OFF).
    const size_t data_offset = TPACKET2_HDRLEN - sizeof(struct sockaddr_ll);
    const size_t room = tx_frame_size - data_offset;
    unsigned queued = 0;
    for (unsigned i = 0; i < count; i++) {
        if (lengths[i] > room) {
            errno = EMSGSIZE;
            if (queued == 0) return -1;
            break;
        }
        struct tpacket2_hdr *header = tx_frame(ring, ring->tx_head);
        unsigned status = __atomic_load_n(&header->tp_status, __ATOMIC_ACQUIRE);
        // A frame the kernel refused (WRONG_FORMAT) is given up, its slot reused.
        if (status != TP_STATUS_AVAILABLE && status != TP_STATUS_WRONG_FORMAT) break;  // the ring is full
        memcpy((unsigned char *)header + data_offset, buffer + offsets[i], lengths[i]);
        header->tp_len = (unsigned)lengths[i];
        __atomic_store_n(&header->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
        ring->tx_head = (ring->tx_head + 1) % ring->tx_frames;
        queued++;
    }
    if (queued == 0) return 0;
    // One call sends every frame marked. A refusal from the device (a full queue) stops
    // the kernel's walk with the rest still marked: the next call sends those.
    for (int attempt = 0; attempt < 4; attempt++) {
        ssize_t sent = sendto(ring->fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
        if (sent >= 0) break;
        if (errno == EINTR) continue;
        if (errno != ENOBUFS && errno != EAGAIN) return -1;
    }
    return (int)queued;
}
