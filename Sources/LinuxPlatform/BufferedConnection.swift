/// A TCP connection on an epoll loop, with its outbound queue and the batching rules:
/// read many times per readiness up to a budget, write the queue once per `flush`
/// (call it once per loop turn), and watch for writability only while output waits.
///
/// Backpressure both ways: a slow reader on the other side leaves output queued, and
/// once the queue passes `highWaterMark` this side stops reading (and stops watching
/// for readability) until it drains, so a peer that sends without reading cannot make
/// us buffer without bound.
public final class BufferedConnection {
    public let connection: TCPConnection
    public let token: UInt64
    public var outbound: OutboundBuffer
    public let highWaterMark: Int
    private let platform: EpollPlatform
    private var watchingReadable = true
    private var watchingWritable: Bool

    /// Registers `connection` under `token`. A connection still connecting is watched
    /// for writability, which is how its completion (or failure) is reported: call
    /// `connection.finishConnect()` on that first event.
    public init(
        _ connection: TCPConnection, token: UInt64, platform: EpollPlatform,
        outboundCapacity: Int = 1 << 16, highWaterMark: Int = 1 << 20
    ) throws(SocketError) {
        self.connection = connection
        self.token = token
        self.platform = platform
        self.highWaterMark = highWaterMark
        outbound = OutboundBuffer(capacity: outboundCapacity)
        watchingWritable = connection.isConnecting
        try platform.register(fd: connection.fd, token: token, readable: true, writable: watchingWritable)
    }

    /// Reads until the socket runs dry, the peer closes, about `budget` bytes have been
    /// read, or the outbound queue passes the high-water mark, handing each chunk (a
    /// view of `scratch`, valid during the call) to `body`. Returns false once the peer
    /// has closed. Bytes left unread stay readable and are reported again.
    public func read(into scratch: UnsafeMutableRawBufferPointer, budget: Int = 1 << 18, _ body: (UnsafeRawBufferPointer) -> Void) throws(SocketError) -> Bool {
        var total = 0
        while total < budget, outbound.count < highWaterMark {
            switch try connection.read(into: scratch) {
            case .bytes(let count):
                body(UnsafeRawBufferPointer(rebasing: scratch[..<count]))
                total += count
                // A short read means the socket is (almost surely) empty: skip the
                // extra read that would only say so; level-triggered epoll reports
                // anything that arrived since.
                if count < scratch.count { return true }
            case .wouldBlock:
                return true
            case .closed:
                return false
            }
        }
        return true
    }

    /// Writes the queue once, then watches for writability while output remains or
    /// while `stayWritable` says the caller has more to produce (a generator keeping
    /// the socket full), and for readability while the queue is under the high-water
    /// mark. Returns the bytes written.
    @discardableResult
    public func flush(stayWritable: Bool = false) throws(SocketError) -> Int {
        let written = try outbound.write(to: connection)
        try watch(readable: outbound.count < highWaterMark, writable: stayWritable || !outbound.isEmpty)
        return written
    }

    private func watch(readable: Bool, writable: Bool) throws(SocketError) {
        guard readable != watchingReadable || writable != watchingWritable else { return }
        try platform.modify(fd: connection.fd, token: token, readable: readable, writable: writable)
        watchingReadable = readable
        watchingWritable = writable
    }

    /// Stops watching and closes the socket, dropping unsent output.
    public func close() {
        guard connection.fd >= 0 else { return }
        platform.deregister(fd: connection.fd)
        connection.close()
        outbound.discardAll()
    }
}
