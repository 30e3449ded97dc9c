import Glibc

/// A pipe whose read end a loop watches in its epoll, so another thread wakes the loop
/// with one byte instead of the loop polling. Level-triggered: a byte nobody reads keeps
/// waking every loop that watches it (how one stop reaches all loops); `drain` empties
/// it when each wake-up is to be taken once.
public final class WakePipe: @unchecked Sendable {
    // Both descriptors are set once in init and only read afterwards.
    public let readFD: Int32
    private let writeFD: Int32

    public init() throws(SocketError) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw SocketError(.socket, code: errno) }
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

    /// Makes the read end readable; safe from any thread. A full pipe already wakes.
    public func wake() {
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    /// Reads everything written so far, so the read end stops waking.
    public func drain() {
        var bytes = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        while withUnsafeMutableBytes(of: &bytes, { read(readFD, $0.baseAddress, $0.count) }) > 0 {}
    }
}
