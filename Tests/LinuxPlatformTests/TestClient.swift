import LinuxPlatform
import Scheduler

/// The client side of the loopback tests: connects through the loop, sends what is
/// queued, and collects what comes back.
final class TestClient {
    let connection: BufferedConnection
    private let loop: RunLoop<EpollPlatform>
    private(set) var connected = false
    private(set) var failure: SocketError?
    private(set) var received: [UInt8] = []
    private(set) var receivedCount = 0
    private(set) var peerClosed = false
    /// Whether a flush ever left bytes queued: the socket took less than offered.
    private(set) var sawPartialWrite = false
    /// Bytes read per readiness, to play a slow reader; and whether to keep them.
    var readBudget = 1 << 18
    var keepsBytes = true
    private let scratch: UnsafeMutableRawBufferPointer

    init(port: UInt16, _ harness: Harness, scratchSize: Int = 1 << 16) throws {
        loop = harness.loop
        scratch = .allocate(byteCount: scratchSize, alignment: 1)
        let socket = try TCPConnection.connect(host: "127.0.0.1", port: port)
        connection = try BufferedConnection(socket, token: harness.token(), platform: harness.platform)
        loop.register(token: connection.token) { [unowned self] ready in handle(ready) }
    }

    deinit { scratch.deallocate() }

    func send(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { connection.outbound.append($0) }
        if connected { flush() }
    }

    private func handle(_ ready: Readiness) {
        guard failure == nil, !peerClosed else { return }
        do throws(SocketError) {
            if !connected {
                try connection.connection.finishConnect()
                connected = true
            }
            if ready.readable || ready.closed {
                let open = try connection.read(into: scratch, budget: readBudget) { bytes in
                    receivedCount += bytes.count
                    if keepsBytes { received.append(contentsOf: bytes) }
                }
                if !open {
                    peerClosed = true
                    loop.deregister(token: connection.token)
                    connection.close()
                    return
                }
            }
            flush()
        } catch {
            failure = error
            loop.deregister(token: connection.token)
            connection.close()
        }
    }

    private func flush() {
        do throws(SocketError) {
            try connection.flush()
            if !connection.outbound.isEmpty { sawPartialWrite = true }
        } catch {
            failure = error
        }
    }
}
