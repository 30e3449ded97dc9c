import Glibc
import LinuxPlatform
import Scheduler
import Testing

/// The socket calls one at a time, without a loop driving them.
@Suite struct SocketTests {
    @Test func reusePortLetsListenersShareAPort() throws {
        let first = try TCPListener(host: "127.0.0.1", port: 0, reusePort: true)
        let port = try first.port
        let second = try TCPListener(host: "127.0.0.1", port: port, reusePort: true)
        #expect(try second.port == port)
        #expect(throws: SocketError(.bind, code: EADDRINUSE)) {
            try TCPListener(host: "127.0.0.1", port: port)
        }
    }

    @Test func nonBlockingReadsAndWritesReportInsteadOfWaiting() throws {
        let harness = try Harness()
        let listener = try TCPListener(host: "127.0.0.1", port: 0)
        let client = try TCPConnection.connect(host: "127.0.0.1", port: try listener.port)
        try harness.platform.register(fd: client.fd, token: 1, readable: false, writable: true)
        var connected = false
        harness.loop.register(token: 1) { _ in connected = true }
        #expect(harness.turn(until: { connected }))
        try client.finishConnect()
        #expect(!client.isConnecting)
        let server = try #require(try listener.accept())

        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
        defer { scratch.deallocate() }
        #expect(try server.read(into: scratch) == .wouldBlock)

        // Nobody reads on the server side: the socket buffers fill and a write says 0.
        var total = 0
        var last = -1
        while last != 0, total < 256 << 20 {
            last = try client.write(from: UnsafeRawBufferPointer(scratch))
            total += last
        }
        #expect(last == 0)
        #expect(total > 0)

        #expect(try server.read(into: scratch) == .bytes(scratch.count))
        client.close()
        var drained = 0
        while case .bytes(let count) = try server.read(into: scratch) { drained += count }
        #expect(drained + scratch.count == total)
        #expect(try server.read(into: scratch) == .closed)
    }
}
