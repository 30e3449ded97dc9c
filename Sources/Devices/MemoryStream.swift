import Scheduler

/// Two connected in-memory byte streams, for tests and simulations: what one end writes
/// the other reads, up to `capacity` bytes in flight each way. Readiness goes through a
/// `SoftReadiness` (use a `SoftPlatform`), so a loop runs on them as on sockets.
public final class MemoryStream: ByteStream, ReadinessSource {
    private var inbox: [UInt8] = []
    private var inboxStart = 0
    private var peerClosed = false
    private var isClosed = false
    private var peerEnd: MemoryStream?
    private let capacity: Int
    private let soft: SoftReadiness
    private var token: UInt64?

    private init(capacity: Int, soft: SoftReadiness) {
        self.capacity = capacity
        self.soft = soft
    }

    /// Two ends connected to each other.
    public static func pair(capacity: Int = 1 << 20, soft: SoftReadiness) -> (MemoryStream, MemoryStream) {
        let a = MemoryStream(capacity: capacity, soft: soft)
        let b = MemoryStream(capacity: capacity, soft: soft)
        a.peerEnd = b
        b.peerEnd = a
        return (a, b)
    }

    /// Bytes waiting to be read at this end.
    public var pending: Int { inbox.count - inboxStart }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(StreamError) -> StreamRead {
        guard !isClosed else { throw StreamError(.read, code: 9, description: "read: stream closed") }
        let count = min(buffer.count, pending)
        guard count > 0 else { return peerClosed ? .closed : .wouldBlock }
        inbox.withUnsafeBytes { bytes in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[inboxStart..<inboxStart + count]))
        }
        inboxStart += count
        if inboxStart == inbox.count {
            inbox.removeAll(keepingCapacity: true)
            inboxStart = 0
        }
        return .bytes(count)
    }

    public func write(from bytes: UnsafeRawBufferPointer) throws(StreamError) -> Int {
        guard !isClosed, let peer = peerEnd, !peer.isClosed else {
            throw StreamError(.write, code: 32, description: "write: the other end is closed")
        }
        let count = min(bytes.count, capacity - peer.pending)
        guard count > 0 else { return 0 }
        peer.inbox.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[..<count]))
        return count
    }

    public func watch(token: UInt64, readable: Bool, writable: Bool) throws(StreamError) {
        if let old = self.token, old != token { soft.unwatch(token: old) }
        self.token = token
        soft.watch(self, token: token, readable: readable, writable: writable)
    }

    /// Closes this end: the other end reads what is left, then `.closed`.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        if let token { soft.unwatch(token: token) }
        peerEnd?.peerClosed = true
        peerEnd?.peerEnd = nil
        peerEnd = nil
        inbox = []
    }

    public func currentReadiness() -> (readable: Bool, writable: Bool, closed: Bool) {
        let room = peerEnd.map { capacity - $0.pending } ?? 0
        return (pending > 0 || peerClosed, room > 0, isClosed)
    }
}

/// A listener for in-memory streams: `connect()` hands the caller one end and queues
/// the other for `accept`.
public final class MemoryListener: StreamListener, ReadinessSource {
    private var waiting: [MemoryStream] = []
    private let soft: SoftReadiness
    private var token: UInt64?
    public let port: UInt16

    public init(port: UInt16 = 6653, soft: SoftReadiness) {
        self.port = port
        self.soft = soft
    }

    /// A new connection: the caller's end is returned, the other waits for `accept`.
    public func connect(capacity: Int = 1 << 20) -> MemoryStream {
        let (client, server) = MemoryStream.pair(capacity: capacity, soft: soft)
        waiting.append(server)
        return client
    }

    public func watch(token: UInt64) throws(StreamError) {
        if let old = self.token, old != token { soft.unwatch(token: old) }
        self.token = token
        soft.watch(self, token: token, readable: true, writable: false)
    }

    public func unwatch() {
        if let token { soft.unwatch(token: token) }
    }

    public func accept() throws(StreamError) -> MemoryStream? {
        waiting.isEmpty ? nil : waiting.removeFirst()
    }

    public func close() {
        unwatch()
        for stream in waiting { stream.close() }
        waiting = []
    }

    public func currentReadiness() -> (readable: Bool, writable: Bool, closed: Bool) {
        (!waiting.isEmpty, false, false)
    }
}
