import CUnikernel

/// The boot target's heap counters: how big it is, what is in use, and any request it
/// could not satisfy.
public struct HeapStatistics {
    public var heapBytes: UInt64
    public var usedBytes: UInt64
    public var peakBytes: UInt64
    public var allocations: UInt64
    public var frees: UInt64
    public var failures: UInt64

    public static var current: HeapStatistics {
        var stats = uk_heap_stats()
        uk_heap_stats(&stats)
        return HeapStatistics(
            heapBytes: stats.heap_bytes, usedBytes: stats.used_bytes, peakBytes: stats.peak_bytes,
            allocations: stats.allocations, frees: stats.frees, failures: stats.failures)
    }
}
