import Glibc

/// A kernel TCP connection as a `ByteStream`, watched through the epoll platform.
public final class KernelStream: ByteStream {
    public let connection: TCPConnection
    private let platform: EpollPlatform
    private var watched = false

    public init(_ connection: TCPConnection, platform: EpollPlatform) {
        self.connection = connection
        self.platform = platform
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(StreamError) -> StreamRead {
        do throws(SocketError) {
            switch try connection.read(into: buffer) {
            case .bytes(let count): return .bytes(count)
            case .wouldBlock: return .wouldBlock
            case .closed: return .closed
            }
        } catch {
            throw StreamError(error, .read)
        }
    }

    /// The peer's IPv4 address and port from getpeername (nil for other families or once
    /// the socket is gone).
    public var peerName: String? {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let status = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(connection.fd, $0, &length) }
        }
        guard status == 0, address.sin_family == sa_family_t(AF_INET) else { return nil }
        let host = UInt32(bigEndian: address.sin_addr.s_addr)
        let octets = [host >> 24, host >> 16 & 0xff, host >> 8 & 0xff, host & 0xff].map { String($0) }
        return octets.joined(separator: ".") + ":" + String(UInt16(bigEndian: address.sin_port))
    }

    public func write(from bytes: UnsafeRawBufferPointer) throws(StreamError) -> Int {
        do throws(SocketError) { return try connection.write(from: bytes) } catch { throw StreamError(error, .write) }
    }

    public func watch(token: UInt64, readable: Bool, writable: Bool) throws(StreamError) {
        do throws(SocketError) {
            if watched {
                try platform.modify(fd: connection.fd, token: token, readable: readable, writable: writable)
            } else {
                try platform.register(fd: connection.fd, token: token, readable: readable, writable: writable)
                watched = true
            }
        } catch {
            throw StreamError(error, .watch)
        }
    }

    public func close() {
        guard connection.fd >= 0 else { return }
        if watched { platform.deregister(fd: connection.fd) }
        connection.close()
    }

    /// Starts a non-blocking connect to `host:port` (see `TCPConnection.connect`).
    public static func connect(host: String, port: UInt16, platform: EpollPlatform) throws(StreamError) -> KernelStream {
        do throws(SocketError) {
            return KernelStream(try TCPConnection.connect(host: host, port: port), platform: platform)
        } catch {
            throw StreamError(error, .connect)
        }
    }

    public var isConnecting: Bool { connection.isConnecting }

    public func finishConnect() throws(StreamError) {
        do throws(SocketError) { try connection.finishConnect() } catch { throw StreamError(error, .connect) }
    }
}

/// A kernel TCP listener as a `StreamListener` of `KernelStream`s.
public final class KernelListener: StreamListener {
    public let listener: TCPListener
    private let platform: EpollPlatform
    private var watched = false

    public init(_ listener: TCPListener, platform: EpollPlatform) {
        self.listener = listener
        self.platform = platform
    }

    public var port: UInt16 { (try? listener.port) ?? 0 }

    public func watch(token: UInt64) throws(StreamError) {
        guard !watched, listener.fd >= 0 else { return }
        do throws(SocketError) { try platform.register(fd: listener.fd, token: token) } catch { throw StreamError(error, .watch) }
        watched = true
    }

    public func unwatch() {
        guard watched else { return }
        platform.deregister(fd: listener.fd)
        watched = false
    }

    public func accept() throws(StreamError) -> KernelStream? {
        do throws(SocketError) {
            return try listener.accept().map { KernelStream($0, platform: platform) }
        } catch {
            throw StreamError(error, .accept)
        }
    }

    public func close() {
        unwatch()
        listener.close()
    }
}

extension StreamError {
    /// The socket error in the stream's terms, with its text.
    public init(_ error: SocketError, _ operation: Operation) {
        self.init(
            operation, code: error.code, description: error.description,
            isResourceExhaustion: [EMFILE, ENFILE, ENOBUFS, ENOMEM].contains(error.code))
    }
}
