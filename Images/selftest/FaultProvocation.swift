import CUnikernel
import UnikernelHost

/// Whether the domain's command line holds `word` (compared as bytes).
func commandLineAsks(_ word: StaticString) -> Bool {
    let line = UnsafeRawPointer(uk_cmdline()!).assumingMemoryBound(to: UInt8.self)
    let wanted = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
    for word in UnsafeBufferPointer(start: line, count: strlen(uk_cmdline())).split(separator: UInt8(ascii: " "))
    where word.elementsEqual(wanted) {
        return true
    }
    return false
}

/// `fault=text`: an unprobed write to text, which must end the run through the panic
/// path (trap report, then SHUTDOWN_crash, or QEMU exit status 0x7f outside Xen) rather
/// than succeed or hang. The lab boots the self-test once this way.
func provokeWriteToText() {
    Console.write("selftest: writing to text; this must fault and end the run\n")
    let text = UnsafeMutablePointer<UInt8>(bitPattern: UInt(uk_image_layout().text_start) + 64)!
    text.pointee = text.pointee ^ 0xff
    Console.write("selftest: FAIL the write to text did not fault\n")
    Shutdown.poweroff(status: 1)
}
