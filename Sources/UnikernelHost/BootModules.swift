import CUnikernel

/// The modules the loader passed with the image (QEMU's `-initrd`, xl's `ramdisk=`):
/// data an image reads at boot, kept out of the heap and mapped read-only.
public enum BootModules {
    public static var count: Int { Int(uk_module_count()) }

    /// Module `index`'s bytes (empty when there is no such module).
    public static func bytes(_ index: Int) -> UnsafeRawBufferPointer {
        let module = uk_module(Int32(index))
        guard module.size > 0, let base = UnsafeRawPointer(bitPattern: UInt(module.address)) else {
            return UnsafeRawBufferPointer(start: nil, count: 0)
        }
        return UnsafeRawBufferPointer(start: base, count: Int(module.size))
    }
}
