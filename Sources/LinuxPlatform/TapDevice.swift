import CLinuxPlatform
import Glibc
import Wire

/// A tap device as a frame device: whole Ethernet frames between our own stack and the
/// Linux kernel, which sees the other end as an ordinary interface. Opening attaches to
/// a tap of that name or creates one, and brings the kernel's side up; the kernel side's
/// addresses are the caller's business (`ip addr add ... dev NAME`).
///
/// Non-blocking: register `fd` with the platform and call `receive` when it is readable.
///
/// With `offloads` (the default) the tap carries a virtio-net header and tells the kernel
/// it may hand us large TCP frames (up to 64 KB, TSO/GSO) with the checksum left for us
/// to finish, as a paravirtual NIC does: one read then brings what would otherwise take
/// forty. `receive` finishes those checksums, so the stack above sees ordinary, correct
/// frames (some longer than the MTU). Frames we send go out whole behind an empty
/// header, except large TCP frames (`segmentationOffload`), whose header asks the kernel
/// to segment them and finish their checksums.
public final class TapDevice: FrameDevice {
    /// The descriptor, for registration with the platform; -1 once closed.
    public private(set) var fd: Int32
    public let name: String
    /// Our side's address: the source of the frames we send (not the kernel side's).
    public let macAddress: MACAddress
    public let mtu: Int
    /// True when opening created the device (it disappears when we close it).
    public let created: Bool
    /// Whether frames carry the virtio-net header (and may be large, see above).
    public let offloads: Bool
    /// With offloads, a 64 KB TCP frame and the virtio-net header it is read with.
    public var largestFrame: Int { offloads ? 65_535 + 14 + Self.headerLength : mtu + 18 }
    /// With offloads the kernel segments TCP/IPv4 packets up to 64 KB for us: opening
    /// asked TUNSETOFFLOAD for TUN_F_CSUM and TUN_F_TSO4 and fails if refused.
    public var segmentationOffload: Int { offloads ? 65_535 : 0 }

    /// The virtio-net header in front of each frame with offloads (struct virtio_net_hdr).
    static let headerLength = 10
    /// VIRTIO_NET_HDR_F_NEEDS_CSUM: the checksum at csum_start + csum_offset covers only
    /// the pseudo-header; the rest is ours to add.
    static let needsChecksum: UInt8 = 1

    public init(name: String, macAddress: MACAddress, offloads: Bool = true) throws(DeviceError) {
        var created: Int32 = 0
        let fd = c_linux_platform_tap_open(name, offloads ? 1 : 0, &created)
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
        self.offloads = offloads
    }

    deinit { close() }

    /// One `read` per frame until the device has none waiting or the batch is full.
    public func receive(into batch: inout FrameBatch) throws(DeviceError) -> Int {
        let fd = self.fd
        let header = offloads ? Self.headerLength : 0
        return try batch.fill { slot throws(DeviceError) -> FrameReceive in
            let room = slot.count - FrameBatch.headroom
            let count = read(fd, slot.baseAddress! + FrameBatch.headroom, room)
            if count > header {
                guard count < room else { return .oversized }
                let frame = UnsafeMutableRawBufferPointer(rebasing: slot[FrameBatch.headroom + header..<FrameBatch.headroom + count])
                if header > 0 {
                    Self.finishChecksum(UnsafeRawBufferPointer(rebasing: slot[FrameBatch.headroom..<FrameBatch.headroom + header]), frame)
                }
                return .frame(offset: FrameBatch.headroom + header, length: count - header)
            }
            if count >= 0 { return .empty }
            switch errno {
            case EAGAIN, EWOULDBLOCK, EINTR: return .empty
            default: throw DeviceError(.read, code: errno)
            }
        }
    }

    /// Completes a checksum the kernel left partial (NEEDS_CSUM): the one's-complement sum
    /// from csum_start to the end, which already holds the pseudo-header sum, inverted
    /// into csum_start + csum_offset. Fields out of range leave the frame as it is (the
    /// stack then drops it for its bad checksum).
    static func finishChecksum(_ header: UnsafeRawBufferPointer, _ frame: UnsafeMutableRawBufferPointer) {
        guard header[0] & needsChecksum != 0 else { return }
        let start = Int(header.loadUnaligned(fromByteOffset: 6, as: UInt16.self).littleEndian)
        let field = start + Int(header.loadUnaligned(fromByteOffset: 8, as: UInt16.self).littleEndian)
        guard start < frame.count, field + 2 <= frame.count else { return }
        let sum = InternetChecksum.sum(raw: UnsafeRawBufferPointer(rebasing: frame[start...]))
        let checksum = ~UInt16(truncatingIfNeeded: sum)
        frame[field] = UInt8(truncatingIfNeeded: checksum >> 8)
        frame[field + 1] = UInt8(truncatingIfNeeded: checksum)
    }

    /// One `write` per frame; a full kernel queue drops the rest of the batch. A frame
    /// that asks for segmentation goes behind a header that says how.
    public func transmit(_ batch: inout FrameBatch) throws(DeviceError) -> Int {
        defer { batch.reset() }
        var sent = 0
        let fd = self.fd
        let offloads = self.offloads
        for (frame, offload) in zip(batch.frames, batch.offloads) {
            let written = batch.storage.withUnsafeBytes { bytes in
                let start = bytes.baseAddress! + frame.lowerBound
                if !offloads { return write(fd, start, frame.count) }
                guard offload.segments else { return c_linux_platform_tap_write_plain(fd, start, frame.count) }
                return c_linux_platform_tap_write_tcp4_segmented(
                    fd, start, frame.count, offload.segmentSize, offload.headerLength, offload.checksumStart, offload.checksumOffset)
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
