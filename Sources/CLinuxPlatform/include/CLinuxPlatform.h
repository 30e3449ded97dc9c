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

/// Receives one frame into `buffer`, which must have 4 bytes of headroom at its start:
/// the frame is stored at `buffer + 4`, or at `buffer` when the kernel had stripped a
/// VLAN tag, which is put back. Returns the frame's length and sets `*offset` to where it
/// starts; 0 when nothing is waiting; -1 with errno on failure; -2 for a frame longer
/// than the buffer (dropped); -3 for our own transmission (skipped).
ssize_t c_linux_platform_packet_receive(int fd, unsigned char *buffer, size_t capacity, size_t *offset);

/// Sends one frame; returns the length sent, or -1 with errno (EAGAIN when the socket's
/// queue is full).
ssize_t c_linux_platform_packet_send(int fd, const void *frame, size_t length);

/// The interface's IFF_* flags, or -1 with errno.
int c_linux_platform_interface_flags(const char *name);

#endif
