import CUnikernel
import UnikernelHost

/// The allocator gives what it is asked for, takes it all back, aligns as asked, and
/// refuses (counted, not crashed) what it cannot give.
func checkHeap(_ test: inout SelfTest) {
    let before = HeapStatistics.current
    var intact = true
    for size in [1, 24, 100, 1000, 5000, 70_000, 2_000_000] {
        let bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            for i in 0..<size { buffer[i] = UInt8(truncatingIfNeeded: i &* 7) }
            count = size
        }
        for i in stride(from: 0, to: size, by: 97) where bytes[i] != UInt8(truncatingIfNeeded: i &* 7) { intact = false }
    }
    test.check(intact, "heap: blocks from 1 B to 2 MB hold what was written")

    for _ in 0..<2000 {
        var objects: [[UInt64]] = []
        for n in 1...8 { objects.append([UInt64](repeating: UInt64(n), count: n * 10)) }
        if objects[7].count != 80 { intact = false }
    }
    let after = HeapStatistics.current
    test.check(after.usedBytes == before.usedBytes, "heap: everything freed is returned")
    test.check(after.peakBytes - before.usedBytes < 8 << 20, "heap: 2000 rounds reuse blocks instead of growing")

    let aligned = UnsafeMutableRawPointer.allocate(byteCount: 100, alignment: 4096)
    test.check(UInt(bitPattern: aligned) % 4096 == 0, "heap: 4096-byte alignment honoured")
    aligned.deallocate()

    let failuresBefore = HeapStatistics.current.failures
    let huge = uk_heap_try_allocate(1 << 40)
    test.check(huge == nil && HeapStatistics.current.failures == failuresBefore + 1, "heap: an impossible request fails and is counted")
    test.check(HeapStatistics.current.heapBytes > 1 << 20, "heap: sized from the memory map")
}
