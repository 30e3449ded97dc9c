/// Bytes queued for one connection: the core encodes at the end, the I/O layer writes
/// from the front and says how much the socket took. The array keeps its capacity, so
/// steady traffic allocates nothing.
struct OutputBuffer {
    var bytes: [UInt8] = []
    /// Bytes before this index were written already.
    private var start = 0

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    /// Bytes not yet written.
    var count: Int { bytes.count - start }

    func withUnsent<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
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
