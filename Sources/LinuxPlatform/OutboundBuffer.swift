/// Bytes waiting to go out on one connection. Encoders append to it in place; `write`
/// sends from the front and keeps what the socket did not take, so a partial write
/// loses nothing. The storage is reused: once it has grown to the connection's working
/// size, queueing and sending allocate nothing.
public struct OutboundBuffer {
    private var storage: [UInt8] = []
    private var sent = 0

    public init(capacity: Int = 1 << 16) {
        storage.reserveCapacity(capacity)
    }

    /// Bytes queued and not yet written.
    public var count: Int { storage.count - sent }
    public var isEmpty: Bool { sent == storage.count }

    /// Lets `body` append to the queue's array (for encoders such as
    /// `OpenFlowMessage.append(to:)`). It must only append.
    public mutating func append<E: Error>(_ body: (inout [UInt8]) throws(E) -> Void) throws(E) {
        compact()
        try body(&storage)
    }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compact()
        storage.append(contentsOf: bytes)
    }

    /// One write of everything queued; returns the bytes the socket took.
    @discardableResult
    public mutating func write(to connection: TCPConnection) throws(SocketError) -> Int {
        try write { (bytes) throws(SocketError) in try connection.write(from: bytes) }
    }

    /// One write of everything queued through `send` (a stream's write), which returns
    /// how much it took; returns that.
    @discardableResult
    public mutating func write<E: Error>(_ send: (UnsafeRawBufferPointer) throws(E) -> Int) throws(E) -> Int {
        guard !isEmpty else { return 0 }
        let start = sent
        var result: Result<Int, E> = .success(0)
        storage.withUnsafeBytes { all in
            do throws(E) {
                result = .success(try send(UnsafeRawBufferPointer(rebasing: all[start...])))
            } catch {
                result = .failure(error)
            }
        }
        let written = try result.get()
        sent += written
        if isEmpty { discardAll() }
        return written
    }

    /// Drops everything queued, as when the connection is abandoned.
    public mutating func discardAll() {
        storage.removeAll(keepingCapacity: true)
        sent = 0
    }

    /// Moves the unsent tail to the front once the sent part is at least as long, so
    /// copying stays proportional to what is written.
    private mutating func compact() {
        guard sent > 0, sent >= count else { return }
        storage.removeSubrange(0..<sent)
        sent = 0
    }
}
