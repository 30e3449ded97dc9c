// The Linux calls Swift's Glibc module leaves out: epoll, signalfd, and the GNU
// accept4 (the module is built without _GNU_SOURCE).
#ifndef C_LINUX_PLATFORM_H
#define C_LINUX_PLATFORM_H

#include <sys/epoll.h>
#include <sys/signalfd.h>

/// accept4(fd, NULL, NULL, flags): a new connection with its flags set atomically.
int c_linux_platform_accept4(int fd, int flags);

#endif
