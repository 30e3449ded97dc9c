import Glibc

/// The few socket calls the listener and connections share.
enum SocketOptions {
    /// A new non-blocking, close-on-exec IPv4 TCP socket.
    static func makeTCPSocket() throws(SocketError) -> Int32 {
        let type = Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
        let fd = Glibc.socket(AF_INET, type, 0)
        guard fd >= 0 else { throw .last(.socket) }
        return fd
    }

    static func enable(_ fd: Int32, level: Int32, _ option: Int32) throws(SocketError) {
        var one: Int32 = 1
        guard setsockopt(fd, level, option, &one, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw .last(.setsockopt)
        }
    }

    /// Nagle off: an OpenFlow message goes out when written, not after a delayed ACK.
    static func disableNagle(_ fd: Int32) throws(SocketError) {
        try enable(fd, level: Int32(IPPROTO_TCP), TCP_NODELAY)
    }

    static func localAddress(_ fd: Int32) throws(SocketError) -> IPv4SocketAddress {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let status = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard status == 0 else { throw .last(.getsockname) }
        return IPv4SocketAddress(address)
    }
}
