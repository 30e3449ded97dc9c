import CUnikernel
import CXen

/// Hypercalls with their argument structures, through the page Xen filled at boot. Each
/// returns Xen's status: 0 or a negative errno.
enum Hypercall {
    static func memory<T>(_ command: Int32, _ argument: inout T) -> Int {
        withUnsafeMutablePointer(to: &argument) { call(__HYPERVISOR_memory_op, UInt64(command), $0) }
    }

    static func eventChannel<T>(_ command: Int32, _ argument: inout T) -> Int {
        withUnsafeMutablePointer(to: &argument) { call(__HYPERVISOR_event_channel_op, UInt64(command), $0) }
    }

    static func vcpu<T>(_ command: Int32, _ argument: inout T) -> Int {
        withUnsafeMutablePointer(to: &argument) { pointer in
            Int(uk_hypercall3(UInt32(__HYPERVISOR_vcpu_op), UInt64(command), 0, UInt64(UInt(bitPattern: pointer))))
        }
    }

    static func hvm<T>(_ command: Int32, _ argument: inout T) -> Int {
        withUnsafeMutablePointer(to: &argument) { call(__HYPERVISOR_hvm_op, UInt64(command), $0) }
    }

    static func grantTable<T>(_ command: Int32, _ argument: inout T) -> Int {
        withUnsafeMutablePointer(to: &argument) { pointer in
            Int(uk_hypercall3(UInt32(__HYPERVISOR_grant_table_op), UInt64(command), UInt64(UInt(bitPattern: pointer)), 1))
        }
    }

    static func sched<T>(_ command: Int32, _ argument: inout T) -> Int {
        withUnsafeMutablePointer(to: &argument) { call(__HYPERVISOR_sched_op, UInt64(command), $0) }
    }

    private static func call<T>(_ op: Int32, _ command: UInt64, _ pointer: UnsafeMutablePointer<T>) -> Int {
        Int(uk_hypercall2(UInt32(op), command, UInt64(UInt(bitPattern: pointer))))
    }

    /// An HVM parameter of our own domain (the console and xenstore rings and ports).
    static func parameter(_ index: Int32) -> UInt64? {
        var param = xen_hvm_param(domid: uk_domid_self, pad: 0, index: UInt32(index), value: 0)
        return hvm(HVMOP_get_param, &param) == 0 ? param.value : nil
    }
}
