import CLinuxPlatform
import Glibc
import Scheduler

/// Signals delivered as readable data on a descriptor (signalfd), so a process stops
/// through its run loop (close listeners, flush, report) instead of inside a signal
/// handler.
///
/// The signals are blocked in the calling thread, and threads started after it inherit
/// that mask: create the source on the main thread before starting any other.
public final class SignalSource {
    /// The signalfd, for registration with the platform; -1 once closed.
    public private(set) var fd: Int32

    public init(_ signals: [Int32] = [SIGINT, SIGTERM]) throws(SocketError) {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        let status = pthread_sigmask(SIG_BLOCK, &set, nil)
        guard status == 0 else { throw SocketError(.signalMask, code: status) }
        fd = signalfd(-1, &set, Int32(SFD_NONBLOCK | SFD_CLOEXEC))
        guard fd >= 0 else { throw .last(.signalfd) }
    }

    deinit { close() }

    /// The next pending signal, or nil when none is.
    public func next() -> Int32? {
        var info = signalfd_siginfo()
        let size = MemoryLayout<signalfd_siginfo>.size
        guard Glibc.read(fd, &info, size) == size else { return nil }
        return Int32(bitPattern: info.ssi_signo)
    }

    /// Registers the source on `loop` under `token` and calls `handler` with each
    /// signal that arrives (typically: `loop.stop()`). Call it while setting up, not
    /// from a handler (it registers through `loop.platform`).
    public func watch(on loop: RunLoop<EpollPlatform>, token: UInt64, _ handler: @escaping (Int32) -> Void) throws(SocketError) {
        try watch(on: loop, epoll: loop.platform, token: token, handler)
    }

    /// The same on a loop whose platform wraps `epoll` (the direct deployment's).
    public func watch<P: Platform>(
        on loop: RunLoop<P>, epoll: EpollPlatform, token: UInt64, _ handler: @escaping (Int32) -> Void
    ) throws(SocketError) {
        try epoll.register(fd: fd, token: token)
        loop.register(token: token) { [self] _ in
            while let signal = next() { handler(signal) }
        }
    }

    public func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }
}
