import LinuxPlatform
import Scheduler

/// A loopback echo server on a run loop: accepts every connection and sends back what
/// it reads, through each connection's outbound queue.
final class EchoServer {
    let listener: TCPListener
    let port: UInt16
    private let harness: Harness
    private(set) var connections: [UInt64: BufferedConnection] = [:]
    private(set) var accepted = 0
    private(set) var peersClosed = 0
    /// The largest outbound queue seen: evidence of backpressure.
    private(set) var largestBacklog = 0
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)

    private let highWaterMark: Int

    init(_ harness: Harness, highWaterMark: Int = 1 << 20) throws {
        self.harness = harness
        self.highWaterMark = highWaterMark
        listener = try TCPListener(host: "127.0.0.1", port: 0)
        port = try listener.port
        let token = harness.token()
        try harness.platform.register(fd: listener.fd, token: token)
        harness.loop.register(token: token) { [unowned self] _ in acceptAll() }
    }

    deinit { scratch.deallocate() }

    private func acceptAll() {
        try! listener.acceptAll { connection in
            let token = harness.token()
            let buffered = try! BufferedConnection(connection, token: token, platform: harness.platform, highWaterMark: highWaterMark)
            connections[token] = buffered
            accepted += 1
            harness.loop.register(token: token) { [unowned self] ready in serve(buffered, ready) }
        }
    }

    private func serve(_ connection: BufferedConnection, _ ready: Readiness) {
        var open = true
        if ready.readable || ready.closed {
            open = try! connection.read(into: scratch) { bytes in connection.outbound.append(bytes) }
        }
        largestBacklog = max(largestBacklog, connection.outbound.count)
        guard open else {
            peersClosed += 1
            harness.loop.deregister(token: connection.token)
            connections[connection.token] = nil
            connection.close()
            return
        }
        try! connection.flush()
    }
}
