import Glibc

/// Tells every loop to stop: a pipe whose read end each loop watches. One byte written
/// makes the read end readable, and since no one reads it, every loop's level-triggered
/// epoll keeps reporting it, so a single write reaches all loops.
final class StopSignal: @unchecked Sendable {
    // Both descriptors are set once in init and only read afterwards.
    let readFD: Int32
    private let writeFD: Int32

    init() {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { fatalError("pipe: \(String(cString: strerror(errno)))") }
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, O_NONBLOCK)
        }
        readFD = fds[0]
        writeFD = fds[1]
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    func fire() {
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }
}
