import Glibc

/// Where ofbench writes: results to stdout, diagnostics to stderr. Each text goes out in
/// one unbuffered write, so a pipe sees every loop's line as the loop ends.
enum Console {
    static func result(_ text: String) {
        write(text, to: STDOUT_FILENO)
    }

    static func note(_ text: String) {
        write(text, to: STDERR_FILENO)
    }

    /// A `--debug` line.
    static func debug(_ settings: Settings, _ text: String) {
        if settings.debug { note("ofbench: " + text + "\n") }
    }

    /// Reports a failure that ends the run, as cbench does, with exit status 1.
    static func fail(_ text: String) -> Never {
        note("ofbench: " + text + "\n")
        exit(1)
    }

    private static func write(_ text: String, to fd: Int32) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                guard written > 0 || (written < 0 && errno == EINTR) else { return }
                offset += max(written, 0)
            }
        }
    }
}

/// printf formatting through vsnprintf, so numbers print exactly as cbench prints them.
func cFormat(_ format: String, _ arguments: CVarArg...) -> String {
    withVaList(arguments) { list in
        var buffer = [CChar](repeating: 0, count: 512)
        _ = vsnprintf(&buffer, buffer.count, format, list)
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
