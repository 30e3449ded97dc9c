import CLinuxPlatform
import Glibc

/// A non-blocking IPv4 TCP listening socket.
///
/// With `reusePort`, several listeners (one per loop, thread or process) can bind the
/// same port and the kernel spreads incoming connections across them.
public final class TCPListener {
    /// The descriptor, for registration with the platform; -1 once closed.
    public private(set) var fd: Int32

    /// Binds `host:port` (port 0: an ephemeral port, see `port`) and listens.
    public init(host: String = "0.0.0.0", port: UInt16, reusePort: Bool = false, backlog: Int32 = 1024) throws(SocketError) {
        let address = try IPv4SocketAddress(host: host, port: port)
        fd = try SocketOptions.makeTCPSocket()
        do throws(SocketError) {
            try SocketOptions.enable(fd, level: SOL_SOCKET, SO_REUSEADDR)
            if reusePort { try SocketOptions.enable(fd, level: SOL_SOCKET, SO_REUSEPORT) }
            guard address.withSockaddr({ Glibc.bind(fd, $0, $1) }) == 0 else { throw .last(.bind) }
            guard Glibc.listen(fd, backlog) == 0 else { throw .last(.listen) }
        } catch {
            close()
            throw error
        }
    }

    deinit { close() }

    /// The port actually bound (the kernel's choice when 0 was asked for).
    public var port: UInt16 {
        get throws(SocketError) { try SocketOptions.localAddress(fd).port }
    }

    /// Accepts one pending connection, or nil when none is waiting.
    public func accept() throws(SocketError) -> TCPConnection? {
        while true {
            let flags = Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
            let client = c_linux_platform_accept4(fd, flags)
            if client >= 0 { return try TCPConnection(accepted: client) }
            switch errno {
            case EAGAIN, EWOULDBLOCK: return nil
            // The peer gave up before we got to it, or a signal came: try the next one.
            case EINTR, ECONNABORTED, EPROTO: continue
            default: throw .last(.accept)
            }
        }
    }

    /// Accepts every pending connection, up to `limit`, handing each to `body`: one
    /// readiness event can carry a burst of connections. Returns how many were accepted.
    /// On an error (EMFILE when out of descriptors) the ones accepted before it have
    /// already been handed over.
    @discardableResult
    public func acceptAll(limit: Int = .max, _ body: (TCPConnection) -> Void) throws(SocketError) -> Int {
        var accepted = 0
        while accepted < limit, let connection = try accept() {
            body(connection)
            accepted += 1
        }
        return accepted
    }

    /// Stops listening; safe to call twice.
    public func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }
}
