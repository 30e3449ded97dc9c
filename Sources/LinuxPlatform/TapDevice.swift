import CLinuxPlatform
import Glibc
import Wire

/// A tap device as a frame device: whole Ethernet frames between our own stack and the
/// Linux kernel, which sees the other end as an ordinary interface. Opening attaches to
/// a tap of that name or creates one, and brings the kernel's side up; the kernel side's
/// addresses are the caller's business (`ip addr add ... dev NAME`).
///
/// Non-blocking: register `fd` with the platform and call `receive` when it is readable.
public final class TapDevice: FrameDevice {
    /// The descriptor, for registration with the platform; -1 once closed.
    public private(set) var fd: Int32
    public let name: String
    /// Our side's address: the source of the frames we send (not the kernel side's).
    public let macAddress: MACAddress
    public let mtu: Int
    /// True when opening created the device (it disappears when we close it).
    public let created: Bool

    public init(name: String, macAddress: MACAddress) throws(DeviceError) {
        var created: Int32 = 0
        let fd = c_linux_platform_tap_open(name, &created)
        guard fd >= 0 else { throw DeviceError(.open, code: errno) }
        guard c_linux_platform_interface_set_up(name) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw DeviceError(.configure, code: code)
        }
        let mtu = c_linux_platform_interface_mtu(name)
        self.fd = fd
        self.name = name
        self.macAddress = macAddress
        self.mtu = mtu > 0 ? Int(mtu) : 1500
        self.created = created != 0
    }

    deinit { close() }

    /// One `read` per frame until the device has none waiting or the batch is full.
    public func receive(into batch: inout FrameBatch) throws(DeviceError) -> Int {
        let fd = self.fd
        return try batch.fill { slot throws(DeviceError) -> FrameReceive in
            let room = slot.count - FrameBatch.headroom
            let count = read(fd, slot.baseAddress! + FrameBatch.headroom, room)
            if count > 0 { return count == room ? .oversized : .frame(offset: FrameBatch.headroom, length: count) }
            if count == 0 { return .empty }
            switch errno {
            case EAGAIN, EWOULDBLOCK, EINTR: return .empty
            default: throw DeviceError(.read, code: errno)
            }
        }
    }

    /// One `write` per frame; a full kernel queue drops the rest of the batch.
    public func transmit(_ batch: inout FrameBatch) throws(DeviceError) -> Int {
        defer { batch.reset() }
        var sent = 0
        let fd = self.fd
        for frame in batch.frames {
            let written = batch.storage.withUnsafeBytes { bytes in
                write(fd, bytes.baseAddress! + frame.lowerBound, frame.count)
            }
            if written >= 0 {
                sent += 1
                continue
            }
            switch errno {
            case EAGAIN, EWOULDBLOCK, ENOBUFS, EIO: return sent
            default: throw DeviceError(.write, code: errno)
            }
        }
        return sent
    }

    public func isLinkUp() -> Bool {
        let flags = c_linux_platform_interface_flags(name)
        return flags >= 0 && flags & Int32(IFF_UP) != 0
    }

    /// Closes the device (a tap we created disappears); safe to call twice.
    public func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }
}
