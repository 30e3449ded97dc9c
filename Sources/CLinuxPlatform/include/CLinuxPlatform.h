// The Linux calls Swift's Glibc module leaves out or makes awkward: epoll, signalfd, the
// GNU accept4 (the module is built without _GNU_SOURCE), and packet sockets, whose
// sockaddr_ll, ifreq and control-message plumbing is far simpler in C.
#ifndef C_LINUX_PLATFORM_H
#define C_LINUX_PLATFORM_H

#include <stddef.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/types.h>

/// accept4(fd, NULL, NULL, flags): a new connection with its flags set atomically.
int c_linux_platform_accept4(int fd, int flags);

/// Opens a non-blocking AF_PACKET socket on interface `name`: bound to it, promiscuous,
/// blind to its own transmissions, reporting stripped VLAN tags. Fills the interface
/// index and hardware address. Returns the descriptor, or -1 with errno set.
int c_linux_platform_packet_open(const char *name, int buffer_bytes, int *ifindex, unsigned char mac[6]);

/// Receives up to `count` (at most 64) frames with one recvmmsg: frame i of the batch
/// lands in `buffer + i * stride`, after 4 bytes of headroom that a stripped VLAN tag is
/// put back into. For each frame kept, `offsets` gets where it starts in `buffer` and
/// `lengths` its length; our own transmissions are skipped and frames longer than a
/// slot are dropped and counted in `*oversized`. Returns how many frames were kept
/// (0 may mean only skipped ones arrived), sets `*received` to how many were read
/// (0: nothing waiting), or returns -1 with errno.
int c_linux_platform_packet_receive_batch(int fd, unsigned char *buffer, size_t stride, unsigned count,
                                          size_t *offsets, size_t *lengths, unsigned *received, unsigned *oversized);

/// Packets the kernel dropped for this socket (its queue was full) since the last call.
long c_linux_platform_packet_drops(int fd);

/// Sends one frame; returns the length sent, or -1 with errno (EAGAIN when the socket's
/// queue is full).
ssize_t c_linux_platform_packet_send(int fd, const void *frame, size_t length);

/// Sends `count` (at most 64) frames with one sendmmsg: frame i is `lengths[i]` bytes at
/// `buffer + offsets[i]`. Returns how many the socket took (the rest found its queue
/// full), or -1 with errno.
int c_linux_platform_packet_send_batch(int fd, const unsigned char *buffer, const size_t *offsets,
                                       const size_t *lengths, unsigned count);

/// A packet socket's PACKET_MMAP rings (TPACKET_V2), one for each direction.
struct c_linux_platform_packet_ring;

/// Gives packet socket `fd` a receive ring of about `rx_frames` frames (2 KB each: a
/// 1500-byte MTU frame with tags) and a send ring of about `tx_frames` (4 KB each), and
/// maps them. After this the socket reads and writes only through the rings. Returns
/// NULL with errno (the socket is unchanged when setting the version failed).
struct c_linux_platform_packet_ring *c_linux_platform_packet_ring_open(int fd, unsigned rx_frames, unsigned tx_frames);

/// Unmaps the rings (the socket itself is closed by its owner).
void c_linux_platform_packet_ring_close(struct c_linux_platform_packet_ring *ring);

/// `c_linux_platform_packet_receive_batch` from the receive ring, without a system
/// call: frame k kept lands in `buffer + k * stride` after 4 bytes of headroom.
int c_linux_platform_packet_ring_receive_batch(struct c_linux_platform_packet_ring *ring, unsigned char *buffer,
                                               size_t stride, unsigned count, size_t *offsets, size_t *lengths,
                                               unsigned *received, unsigned *oversized);

/// Copies `count` frames into free slots of the send ring and sends them all with one
/// system call. Returns how many found a slot (the rest found the ring full), or -1 with
/// errno (EMSGSIZE: the first frame is larger than a slot).
int c_linux_platform_packet_ring_send_batch(struct c_linux_platform_packet_ring *ring, const unsigned char *buffer,
                                            const size_t *offsets, const size_t *lengths, unsigned count);

/// The interface's IFF_* flags, or -1 with errno.
int c_linux_platform_interface_flags(const char *name);

/// Opens the tap device `name` (IFF_TAP, no packet information header), non-blocking:
/// attaches to it if it exists, creates it (non-persistent) if not; `*created` says
/// which. With `offloads`, each frame carries a 10-byte virtio-net header and the
/// kernel may hand over large TCP frames (TSO/GSO) with partial checksums
/// (IFF_VNET_HDR, TUNSETOFFLOAD CSUM|TSO4|TSO6). Returns the descriptor, or -1 with errno.
int c_linux_platform_tap_open(const char *name, int offloads, int *created);

/// Writes one frame to a tap opened with offloads, behind an all-zero virtio-net
/// header (a finished frame: no offload asked of the kernel).
ssize_t c_linux_platform_tap_write_plain(int fd, const void *frame, size_t length);

/// Writes one large TCP/IPv4 frame to a tap opened with offloads, for the kernel to cut
/// into segments of `segment_size` payload bytes (each repeating the first
/// `header_length` bytes) and checksum: its TCP checksum, at `checksum_start +
/// checksum_offset`, holds only the pseudo-header sum (NEEDS_CSUM, GSO_TCPV4).
ssize_t c_linux_platform_tap_write_tcp4_segmented(int fd, const void *frame, size_t length, unsigned short segment_size,
                                                  unsigned short header_length, unsigned short checksum_start,
                                                  unsigned short checksum_offset);

/// Sets IFF_UP on interface `name` (the kernel's side of a tap). 0, or -1 with errno.
int c_linux_platform_interface_set_up(const char *name);

/// The interface's MTU, or -1 with errno.
int c_linux_platform_interface_mtu(const char *name);

#endif
