import Glibc

/// An IPv4 address and port in the kernel's `sockaddr_in` form.
struct IPv4SocketAddress {
    var storage: sockaddr_in

    /// Resolves `host`: a dotted quad directly, anything else ("localhost", a name)
    /// through getaddrinfo, IPv4 only. Names are resolved once, at set-up.
    init(host: String, port: UInt16) throws(SocketError) {
        storage = sockaddr_in()
        storage.sin_family = sa_family_t(AF_INET)
        storage.sin_port = port.bigEndian
        if inet_pton(AF_INET, host, &storage.sin_addr) == 1 { return }

        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &result)
        defer { if let result { freeaddrinfo(result) } }
        guard status == 0, let address = result?.pointee.ai_addr else {
            throw SocketError(.resolve, code: status == 0 ? EAI_NONAME : status)
        }
        address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
            storage.sin_addr = $0.pointee.sin_addr
        }
    }

    init(_ storage: sockaddr_in) { self.storage = storage }

    var port: UInt16 { UInt16(bigEndian: storage.sin_port) }

    /// Calls `body` with the address as the `sockaddr` pointer and length the socket
    /// calls take.
    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        withUnsafePointer(to: storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
    }
}
