import CUnikernel
import UnikernelHost

/// The platform self-test: the allocator, page permissions, randomness and timers, run
/// on the real boot path. It boots under QEMU microvm (no Xen) and as a Xen PVH dom0.
@_cdecl("unikernel_main")
func unikernelMain() {
    Console.write(uk_on_xen() != 0 ? "selftest: on Xen\n" : "selftest: on bare QEMU\n")
    if commandLineAsks("fault=text") { provokeWriteToText() }
    var test = SelfTest()
    checkHeap(&test)
    checkPermissions(&test)
    checkRandomness(&test)
    checkTimers(&test)
    checkModules(&test)
    test.summary()
    Shutdown.poweroff(status: test.failed == 0 ? 0 : 1)
}
