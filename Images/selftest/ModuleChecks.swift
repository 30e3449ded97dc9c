import CUnikernel
import UnikernelHost

/// A module the loader passed is found, holds what was passed, lies clear of the heap
/// and is read-only. The lab passes one under QEMU microvm (`-initrd`) holding this text.
func checkModules(_ test: inout SelfTest) {
    guard BootModules.count > 0 else { return }
    let bytes = BootModules.bytes(0)
    let pattern: StaticString = "selftest module"
    let expected = UnsafeRawBufferPointer(start: pattern.utf8Start, count: pattern.utf8CodeUnitCount)
    test.check(bytes.count >= expected.count && bytes.prefix(expected.count).elementsEqual(expected), "boot: module 0 holds what the loader passed")
    let address = UInt64(UInt(bitPattern: bytes.baseAddress!))
    let end = address + UInt64(bytes.count)
    test.check(end <= uk_heap_start() - 4096 || address >= uk_heap_end() + 4096, "boot: the heap lies clear of the modules")
    let first = UnsafeMutablePointer(mutating: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self))
    test.check(uk_probe_write(first) == 1, "boot: module pages are read-only")
}
