import Glibc

/// A failed system call on a socket or on the descriptors that serve sockets (epoll,
/// signalfd, resource limits, packet sockets): which call, and the `errno` it left. One type, so every
/// function here can throw it typed and a caller can switch on `code`.
public struct SocketError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Operation: String, Hashable, Sendable {
        case socket, setsockopt, getsockopt, bind, listen, accept, connect, resolve
        case read, write, getsockname
        case packetSocket = "packet socket", packetRing = "PACKET_MMAP ring", send, interfaceFlags = "SIOCGIFFLAGS"
        case epollCreate = "epoll_create", epollControl = "epoll_ctl", epollWait = "epoll_wait"
        case signalMask = "sigprocmask", signalfd
        case fileLimit = "setrlimit"
    }

    public var operation: Operation
    /// The `errno` value (for `resolve`, an `EAI_*` code from getaddrinfo).
    public var code: Int32

    public init(_ operation: Operation, code: Int32) {
        self.operation = operation
        self.code = code
    }

    /// The error `errno` holds right now, for the call that just failed.
    static func last(_ operation: Operation) -> SocketError {
        SocketError(operation, code: errno)
    }

    public var description: String {
        let reason: UnsafePointer<CChar>? = operation == .resolve ? gai_strerror(code) : UnsafePointer(strerror(code))
        return "\(operation.rawValue): \(reason.map { String(cString: $0) } ?? "unknown error") (\(code))"
    }
}
