/// Bytes queued for one connection: messages are encoded at the end, the I/O layer
/// writes from the front and says how much the socket took. The array keeps its
/// capacity, so steady traffic allocates nothing.
struct ChannelOutput {
    var bytes: [UInt8] = []
    /// Bytes before this index were written already.
    private var start = 0

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// Bytes not yet written.
    var count: Int { bytes.count - start }

    func withUnsent<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        var result: R?
        var failure: E?
        bytes.withUnsafeBytes { raw in
            do throws(E) {
                result = try body(UnsafeRawBufferPointer(rebasing: raw[start...]))
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return result!
    }

    /// Forgets `written` bytes from the front, moving the rest down only once the
    /// written part outgrows it (amortised constant time for partial writes).
    mutating func consume(_ written: Int) {
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
