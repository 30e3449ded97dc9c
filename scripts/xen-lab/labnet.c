/*
 * labnet: the xen-lab's small network and console helper, run inside the lab's dom0.
 * Built on the host with `gcc -static -O2` by scripts/xen-lab.sh prepare and copied
 * into the dom0 initramfs (the dom0 has no compiler and only busybox).
 *
 *   labnet echo-server PORT
 *       TCP echo server (IPv4, any address), one connection at a time, forever.
 *   labnet echo-client IP PORT BYTES [TIMEOUT_S]
 *       Connects, sends BYTES of pseudo-random data while reading the echo back,
 *       compares every byte, and prints one line:
 *         echo ok bytes=N seconds=S mbit_s=R
 *       or `echo fail ...` with the reason (exit 1).
 *   labnet follow FILE PREFIX [TIMEOUT_S]
 *       Waits for FILE to appear and copies each of its lines, as they come, to
 *       stdout with PREFIX in front (polled every 5 ms). Before the first line it
 *       prints `LAB: result domu-first-console-ms N`, N being milliseconds since
 *       follow started. Runs until killed (or gives up after TIMEOUT_S, if given,
 *       while FILE does not exist).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* xorshift64*: a byte stream both ends of the check can regenerate. */
struct prng { uint64_t s; };
static uint8_t prng_byte(struct prng *p, uint64_t *word, int *left) {
    if (*left == 0) {
        p->s ^= p->s >> 12; p->s ^= p->s << 25; p->s ^= p->s >> 27;
        *word = p->s * 0x2545F4914F6CDD1DULL;
        *left = 8;
    }
    uint8_t b = (uint8_t)*word;
    *word >>= 8;
    (*left)--;
    return b;
}

static int echo_server(int port) {
    signal(SIGPIPE, SIG_IGN);
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port), .sin_addr.s_addr = htonl(INADDR_ANY) };
    if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 8) < 0) { perror("labnet echo-server"); return 1; }
    static char buf[65536];
    for (;;) {
        int c = accept(ls, NULL, NULL);
        if (c < 0) continue;
        for (;;) {
            ssize_t n = read(c, buf, sizeof buf);
            if (n <= 0) break;
            ssize_t off = 0;
            while (off < n) {
                ssize_t w = write(c, buf + off, n - off);
                if (w <= 0) goto done;
                off += w;
            }
        }
    done:
        close(c);
    }
}

static int echo_client(const char *ip, int port, long long total, double timeout) {
    signal(SIGPIPE, SIG_IGN);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
    if (inet_pton(AF_INET, ip, &a.sin_addr) != 1) { printf("echo fail bad-address %s\n", ip); return 1; }
    int s = socket(AF_INET, SOCK_STREAM, 0);
    double t0 = now();
    /* connect with a timeout */
    fcntl(s, F_SETFL, O_NONBLOCK);
    if (connect(s, (struct sockaddr *)&a, sizeof a) < 0 && errno != EINPROGRESS) {
        printf("echo fail connect %s\n", strerror(errno)); return 1;
    }
    struct pollfd pc = { .fd = s, .events = POLLOUT };
    int remaining_ms = (int)(timeout * 1000);
    if (poll(&pc, 1, remaining_ms < 10000 ? remaining_ms : 10000) <= 0) { printf("echo fail connect timeout\n"); return 1; }
    int err = 0; socklen_t el = sizeof err;
    getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &el);
    if (err) { printf("echo fail connect %s\n", strerror(err)); return 1; }
    int one = 1;
    setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

    struct prng tx = { 0x9E3779B97F4A7C15ULL }, rx = tx;
    uint64_t txw = 0, rxw = 0; int txl = 0, rxl = 0;
    long long sent = 0, got = 0;
    static uint8_t out[16384], in[65536];
    size_t out_len = 0, out_off = 0;
    double start = now(), deadline = t0 + timeout;
    while (got < total) {
        if (out_off == out_len && sent < total) {
            long long want = total - sent;
            out_len = want < (long long)sizeof out ? (size_t)want : sizeof out;
            for (size_t i = 0; i < out_len; i++) out[i] = prng_byte(&tx, &txw, &txl);
            out_off = 0;
        }
        struct pollfd p = { .fd = s, .events = POLLIN | (out_off < out_len ? POLLOUT : 0) };
        double left = deadline - now();
        if (left <= 0) { printf("echo fail timeout sent=%lld received=%lld\n", sent, got); return 1; }
        int r = poll(&p, 1, (int)(left * 1000) + 1);
        if (r < 0 && errno != EINTR) { printf("echo fail poll %s\n", strerror(errno)); return 1; }
        if (r <= 0) continue;
        if (p.revents & POLLIN) {
            ssize_t n = read(s, in, sizeof in);
            if (n == 0) { printf("echo fail closed-early sent=%lld received=%lld\n", sent, got); return 1; }
            if (n < 0 && errno != EAGAIN) { printf("echo fail read %s\n", strerror(errno)); return 1; }
            for (ssize_t i = 0; i < n; i++) {
                uint8_t e = prng_byte(&rx, &rxw, &rxl);
                if (in[i] != e) {
                    printf("echo fail mismatch at byte %lld (got 0x%02x, want 0x%02x)\n", got + i, in[i], e);
                    return 1;
                }
            }
            if (n > 0) got += n;
            if (got > sent) { printf("echo fail more-than-sent\n"); return 1; }
        } else if (p.revents & (POLLERR | POLLHUP)) {
            printf("echo fail socket-error sent=%lld received=%lld\n", sent, got); return 1;
        }
        if ((p.revents & POLLOUT) && out_off < out_len) {
            ssize_t w = write(s, out + out_off, out_len - out_off);
            if (w < 0 && errno != EAGAIN) { printf("echo fail write %s\n", strerror(errno)); return 1; }
            if (w > 0) { out_off += w; sent += w; }
        }
    }
    double secs = now() - start;
    printf("echo ok bytes=%lld seconds=%.3f mbit_s=%.2f\n", got, secs, got * 8 / secs / 1e6);
    close(s);
    return 0;
}

static int follow(const char *path, const char *prefix, double timeout) {
    double t0 = now();
    int fd;
    while ((fd = open(path, O_RDONLY)) < 0) {
        if (timeout > 0 && now() - t0 > timeout) return 1;
        usleep(5000);
    }
    static char buf[8192], line[4096];
    size_t ll = 0;
    int first = 1;
    setvbuf(stdout, NULL, _IONBF, 0);
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0) { usleep(5000); continue; }
        for (ssize_t i = 0; i < n; i++) {
            char c = buf[i];
            if (c == '\r') continue;
            if (c != '\n' && ll < sizeof line - 1) { line[ll++] = c; continue; }
            if (c != '\n') continue; /* overlong line: the rest is dropped */
            line[ll] = 0;
            if (first) {
                printf("LAB: result domu-first-console-ms %.0f\n", (now() - t0) * 1000);
                first = 0;
            }
            printf("%s%s\n", prefix, line);
            ll = 0;
        }
    }
}

int main(int argc, char **argv) {
    if (argc >= 3 && !strcmp(argv[1], "echo-server")) return echo_server(atoi(argv[2]));
    if (argc >= 5 && !strcmp(argv[1], "echo-client"))
        return echo_client(argv[2], atoi(argv[3]), atoll(argv[4]), argc > 5 ? atof(argv[5]) : 60);
    if (argc >= 4 && !strcmp(argv[1], "follow")) return follow(argv[2], argv[3], argc > 4 ? atof(argv[4]) : 0);
    fprintf(stderr, "usage: labnet echo-server PORT | echo-client IP PORT BYTES [TIMEOUT_S] | follow FILE PREFIX [TIMEOUT_S]\n");
    return 2;
}
