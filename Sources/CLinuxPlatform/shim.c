#define _GNU_SOURCE
#include <stddef.h>
#include <sys/socket.h>
#include "CLinuxPlatform.h"

int c_linux_platform_accept4(int fd, int flags) {
    return accept4(fd, NULL, NULL, flags);
}
