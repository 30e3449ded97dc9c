/// Bytes queued for one OpenFlow connection, shared by the controller and switch cores:
/// messages are encoded at the end, the I/O layer writes from the front and says how
/// much the socket took. The array keeps its capacity, so steady traffic allocates
/// nothing.
public struct ChannelOutput {
    public var bytes: [UInt8] = []
    /// Bytes before this index were written already.
    @usableFromInline var start = 0

    @inlinable
    public init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// Bytes not yet written.
    @inlinable public var count: Int { bytes.count - start }

    /// Lends the unsent bytes to `body` (a socket write, say) without copying them.
    @inlinable
    public func withUnsent<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        var result: Result<R, E>?
        bytes.withUnsafeBytes { raw in
            do throws(E) {
                result = .success(try body(UnsafeRawBufferPointer(rebasing: raw[start...])))
            } catch {
                result = .failure(error)
            }
        }
        return try result!.get()
    }

    /// Forgets `written` bytes from the front. Moves the rest down only once the
    /// written part outgrows it, so partial writes cost amortised constant time.
    @inlinable
    public mutating func consume(_ written: Int) {
        start += max(0, min(written, count))
        if start == bytes.count {
            bytes.removeAll(keepingCapacity: true)
            start = 0
        } else if start >= count {
            bytes.removeSubrange(0..<start)
            start = 0
        }
    }
}
