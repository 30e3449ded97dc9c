import Glibc

/// What one read from a non-blocking socket gave.
public enum ReadResult: Hashable, Sendable {
    /// This many bytes (never 0) were stored.
    case bytes(Int)
    /// Nothing to read now; wait for readiness.
    case wouldBlock
    /// The peer closed its side: no more bytes will come.
    case closed
}

/// A non-blocking IPv4 TCP connection with Nagle off, accepted by a `TCPListener` or
/// opened with `connect(host:port:)`. Reads and writes never block: they report
/// `wouldBlock` or a short count, and the caller waits for readiness.
public final class TCPConnection {
    /// The descriptor, for registration with the platform; -1 once closed. Read on
    /// every read and write, and never during a change, so it skips the dynamic
    /// exclusivity check.
    @exclusivity(unchecked) public private(set) var fd: Int32
    /// True from `connect` until `finishConnect()` has confirmed the connection.
    public private(set) var isConnecting: Bool

    init(accepted fd: Int32) throws(SocketError) {
        self.fd = fd
        isConnecting = false
        do throws(SocketError) { try SocketOptions.disableNagle(fd) } catch {
            close()
            throw error
        }
    }

    private init(connecting fd: Int32, inProgress: Bool) {
        self.fd = fd
        isConnecting = inProgress
    }

    deinit { close() }

    /// Starts connecting to `host:port` without blocking. Watch the descriptor for
    /// writability and call `finishConnect()` when it is reported (ready or closed):
    /// that is where a refused connection shows up.
    public static func connect(host: String, port: UInt16) throws(SocketError) -> TCPConnection {
        let address = try IPv4SocketAddress(host: host, port: port)
        let fd = try SocketOptions.makeTCPSocket()
        do throws(SocketError) {
            try SocketOptions.disableNagle(fd)
            var status: Int32
            repeat { status = address.withSockaddr { Glibc.connect(fd, $0, $1) } } while status != 0 && errno == EINTR
            guard status == 0 || errno == EINPROGRESS else { throw .last(.connect) }
            return TCPConnection(connecting: fd, inProgress: status != 0)
        } catch {
            Glibc.close(fd)
            throw error
        }
    }

    /// Confirms a connect started by `connect(host:port:)` once the platform reports
    /// the socket writable or closed. Throws the attempt's outcome (`ECONNREFUSED`,
    /// `ETIMEDOUT`, ...) as a `connect` error.
    public func finishConnect() throws(SocketError) {
        guard isConnecting else { return }
        var failure: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length) == 0 else { throw .last(.getsockopt) }
        guard failure == 0 else { throw SocketError(.connect, code: failure) }
        isConnecting = false
    }

    /// One read into `buffer`, which must not be empty. A reset connection throws.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(SocketError) -> ReadResult {
        precondition(!buffer.isEmpty, "a zero-length read cannot tell end of stream from no data")
        while true {
            let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if count > 0 { return .bytes(count) }
            if count == 0 { return .closed }
            switch errno {
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            case EINTR: continue
            default: throw .last(.read)
            }
        }
    }

    /// Writes as much of `bytes` as the socket takes now: a partial count, or 0 when
    /// its buffer is full. A peer that went away throws (EPIPE, ECONNRESET), never
    /// SIGPIPE.
    public func write(from bytes: UnsafeRawBufferPointer) throws(SocketError) -> Int {
        guard !bytes.isEmpty else { return 0 }
        while true {
            let count = send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
            if count >= 0 { return count }
            switch errno {
            case EAGAIN, EWOULDBLOCK: return 0
            case EINTR: continue
            default: throw .last(.write)
            }
        }
    }

    /// Closes the socket (which also removes it from any epoll set); safe to call twice.
    public func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }
}
