import CUnikernel

/// Ending the domain: poweroff with a status (QEMU's exit code outside Xen), or a
/// panic that prints its reason and ends with `SHUTDOWN_crash`.
public enum Shutdown {
    public static func poweroff(status: Int32 = 0) -> Never {
        uk_poweroff(status)
    }

    public static func panic(_ reason: StaticString) -> Never {
        reason.withUTF8Buffer { bytes in
            // The reason is a static, NUL-terminated string.
            bytes.withMemoryRebound(to: CChar.self) { uk_panic($0.baseAddress!) }
        }
    }
}
