#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <netinet/in.h>
#include <linux/if_packet.h>
#include <linux/if_ether.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>
#include "CLinuxPlatform.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING 23
#endif

int c_linux_platform_accept4(int fd, int flags) {
    return accept4(fd, NULL, NULL, flags);
}

static int copy_name(struct ifreq *request, const char *name) {
    memset(request, 0, sizeof *request);
    if (strlen(name) >= IFNAMSIZ) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strncpy(request->ifr_name, name, IFNAMSIZ - 1);
    return 0;
}

int c_linux_platform_packet_open(const char *name, int buffer_bytes, int *ifindex, unsigned char mac[6]) {
    struct ifreq request;
    if (copy_name(&request, name) < 0) return -1;
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
    if (fd < 0) return -1;
    if (ioctl(fd, SIOCGIFINDEX, &request) < 0) goto fail;
    *ifindex = request.ifr_ifindex;
    if (ioctl(fd, SIOCGIFHWADDR, &request) < 0) goto fail;
    memcpy(mac, request.ifr_hwaddr.sa_data, 6);

    struct sockaddr_ll address;
    memset(&address, 0, sizeof address);
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_ALL);
    address.sll_ifindex = *ifindex;
    if (bind(fd, (struct sockaddr *)&address, sizeof address) < 0) goto fail;

    struct packet_mreq membership;
    memset(&membership, 0, sizeof membership);
    membership.mr_ifindex = *ifindex;
    membership.mr_type = PACKET_MR_PROMISC;
    if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &membership, sizeof membership) < 0) goto fail;
    int on = 1;
    if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &on, sizeof on) < 0) goto fail;
    // Linux 4.20+; older kernels are covered by the PACKET_OUTGOING check on receive.
    (void)setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &on, sizeof on);
    if (buffer_bytes > 0) {
        // The FORCE variants pass the sysctl caps when we are privileged (we are, to
        // open a packet socket at all); the plain ones are the fallback.
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer_bytes, sizeof buffer_bytes) < 0)
            (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof buffer_bytes);
        if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buffer_bytes, sizeof buffer_bytes) < 0)
            (void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer_bytes, sizeof buffer_bytes);
    }
    return fd;
fail: {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
}

enum { batch_limit = 64 };

int c_linux_platform_packet_receive_batch(int fd, unsigned char *buffer, size_t stride, unsigned count,
                                          size_t *offsets, size_t *lengths, unsigned *received, unsigned *oversized) {
    if (stride <= 4 || count == 0) {
        errno = EINVAL;
        return -1;
    }
    if (count > batch_limit) count = batch_limit;
    struct mmsghdr messages[batch_limit];
    struct iovec vectors[batch_limit];
    struct sockaddr_ll names[batch_limit];
    union {
        struct cmsghdr align;
        char bytes[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
    } controls[batch_limit];
    memset(messages, 0, sizeof(struct mmsghdr) * count);
    for (unsigned i = 0; i < count; i++) {
        vectors[i].iov_base = buffer + i * stride + 4;
        vectors[i].iov_len = stride - 4;
        messages[i].msg_hdr.msg_name = &names[i];
        messages[i].msg_hdr.msg_namelen = sizeof names[i];
        messages[i].msg_hdr.msg_iov = &vectors[i];
        messages[i].msg_hdr.msg_iovlen = 1;
        messages[i].msg_hdr.msg_control = controls[i].bytes;
        messages[i].msg_hdr.msg_controllen = sizeof controls[i].bytes;
    }
    int got;
    do {
        got = recvmmsg(fd, messages, count, MSG_DONTWAIT | MSG_TRUNC, NULL);
    } while (got < 0 && errno == EINTR);
    *received = 0;
    if (got < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
    *received = (unsigned)got;
    int kept = 0;
    for (int i = 0; i < got; i++) {
        if (names[i].sll_pkttype == PACKET_OUTGOING) continue;  // kernels before 4.20
        size_t length = messages[i].msg_len;
        if (length > stride - 4 || (messages[i].msg_hdr.msg_flags & MSG_TRUNC)) {
            (*oversized)++;
            continue;
        }
        unsigned char *slot = buffer + i * stride;
        size_t offset = 4;
        struct msghdr *header = &messages[i].msg_hdr;
        for (struct cmsghdr *c = CMSG_FIRSTHDR(header); c; c = CMSG_NXTHDR(header, c)) {
            if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA) continue;
            struct tpacket_auxdata aux;
            memcpy(&aux, CMSG_DATA(c), sizeof aux);
            if (!(aux.tp_status & TP_STATUS_VLAN_VALID) || length < 12) continue;
            // The kernel took the 802.1Q tag out: move the addresses 4 bytes forward and
            // put the tag back between them and the EtherType.
            unsigned short tpid = (aux.tp_status & TP_STATUS_VLAN_TPID_VALID) ? aux.tp_vlan_tpid : ETH_P_8021Q;
            memmove(slot, slot + 4, 12);
            slot[12] = (unsigned char)(tpid >> 8);
            slot[13] = (unsigned char)tpid;
            slot[14] = (unsigned char)(aux.tp_vlan_tci >> 8);
            slot[15] = (unsigned char)aux.tp_vlan_tci;
            offset = 0;
            length += 4;
        }
        offsets[kept] = i * stride + offset;
        lengths[kept] = length;
        kept++;
    }
    return kept;
}

long c_linux_platform_packet_drops(int fd) {
    struct tpacket_stats stats;
    socklen_t length = sizeof stats;
    if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &stats, &length) < 0) return -1;
    return (long)stats.tp_drops;
}

ssize_t c_linux_platform_packet_send(int fd, const void *frame, size_t length) {
    ssize_t sent;
    do {
        sent = send(fd, frame, length, MSG_DONTWAIT);
    } while (sent < 0 && errno == EINTR);
    return sent;
}

int c_linux_platform_packet_send_batch(int fd, const unsigned char *buffer, const size_t *offsets,
                                       const size_t *lengths, unsigned count) {
    if (count > batch_limit) count = batch_limit;
    struct mmsghdr messages[batch_limit];
    struct iovec vectors[batch_limit];
    memset(messages, 0, sizeof(struct mmsghdr) * count);
    for (unsigned i = 0; i < count; i++) {
        vectors[i].iov_base = (void *)(buffer + offsets[i]);
        vectors[i].iov_len = lengths[i];
        messages[i].msg_hdr.msg_iov = &vectors[i];
        messages[i].msg_hdr.msg_iovlen = 1;
    }
    int sent;
    do {
        sent = sendmmsg(fd, messages, count, MSG_DONTWAIT);
    } while (sent < 0 && errno == EINTR);
    return sent;
}

int c_linux_platform_interface_flags(const char *name) {
    struct ifreq request;
    if (copy_name(&request, name) < 0) return -1;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int result = ioctl(fd, SIOCGIFFLAGS, &request);
    int saved = errno;
    close(fd);
    errno = saved;
    return result < 0 ? -1 : (unsigned short)request.ifr_flags;
}

int c_linux_platform_tap_open(const char *name, int offloads, int *created) {
    struct ifreq request;
    if (copy_name(&request, name) < 0) return -1;
    *created = if_nametoindex(name) == 0;
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return -1;
    request.ifr_flags = IFF_TAP | IFF_NO_PI | (offloads ? IFF_VNET_HDR : 0);
    int header = 10; /* struct virtio_net_hdr, without num_buffers */
    if (ioctl(fd, TUNSETIFF, &request) < 0 ||
        (offloads && (ioctl(fd, TUNSETVNETHDRSZ, &header) < 0 ||
                      ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6) < 0))) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

ssize_t c_linux_platform_tap_write_plain(int fd, const void *frame, size_t length) {
    static const unsigned char header[10];
    struct iovec parts[2] = {{(void *)header, sizeof header}, {(void *)frame, length}};
    return writev(fd, parts, 2);
}

ssize_t c_linux_platform_tap_write_tcp4_segmented(int fd, const void *frame, size_t length, unsigned short segment_size,
                                                  unsigned short header_length, unsigned short checksum_start,
                                                  unsigned short checksum_offset) {
    struct virtio_net_hdr header = {
        .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
        .gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
        .hdr_len = header_length,
        .gso_size = segment_size,
        .csum_start = checksum_start,
        .csum_offset = checksum_offset,
    };
    struct iovec parts[2] = {{&header, sizeof header}, {(void *)frame, length}};
    return writev(fd, parts, 2);
}

int c_linux_platform_interface_set_up(const char *name) {
    struct ifreq request;
    if (copy_name(&request, name) < 0) return -1;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int result = ioctl(fd, SIOCGIFFLAGS, &request);
    if (result == 0 && !(request.ifr_flags & IFF_UP)) {
        request.ifr_flags |= IFF_UP;
        result = ioctl(fd, SIOCSIFFLAGS, &request);
    }
    int saved = errno;
    close(fd);
    errno = saved;
    return result < 0 ? -1 : 0;
}

int c_linux_platform_interface_mtu(const char *name) {
    struct ifreq request;
    if (copy_name(&request, name) < 0) return -1;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int result = ioctl(fd, SIOCGIFMTU, &request);
    int saved = errno;
    close(fd);
    errno = saved;
    return result < 0 ? -1 : request.ifr_mtu;
}
