import CUnikernel

/// Text to the console the boot target picked (COM1, Xen's console, or the PV console
/// ring). `print` goes to the same place through `putchar`; this writes a buffer in one
/// call and never builds a String.
public enum Console {
    public static func write(_ text: StaticString) {
        text.withUTF8Buffer { bytes in
            bytes.withMemoryRebound(to: CChar.self) { uk_console_write($0.baseAddress, $0.count) }
        }
    }

    public static func write(_ text: String) {
        var text = text
        text.withUTF8 { write(UnsafeRawBufferPointer($0)) }
    }

    public static func write(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        uk_console_write(base.assumingMemoryBound(to: CChar.self), bytes.count)
    }

    /// A decimal number, without String's formatting machinery.
    public static func write(_ value: UInt64) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[23 - count] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
                count += 1
            } while rest > 0
            write(UnsafeRawBufferPointer(rebasing: buffer[(24 - count)...]))
        }
    }

    public static func write(_ value: Int) {
        if value < 0 { write("-") }
        write(UInt64(value.magnitude))
    }

    public static func flush() { uk_console_flush() }
}
