import CPcap
import Devices
import Glibc
import Wire

/// A live interface through libpcap as a frame device: `pcap_open_live` in promiscuous,
/// immediate, non-blocking mode, frames in with `pcap_dispatch` and out with
/// `pcap_inject`. Register `fd` (pcap's selectable descriptor) with the platform.
///
/// Only frames arriving on the interface are read (PCAP_D_IN); frames whose source is
/// our address are skipped too, for platforms where that direction filter is missing.
public final class PcapLiveDevice: FrameDevice {
    private var handle: OpaquePointer?
    /// The selectable descriptor, for registration with the platform.
    public let fd: Int32
    public let name: String
    public let macAddress: MACAddress
    public let mtu: Int
    /// The last libpcap error text, for the caller's log.
    public private(set) var lastError = ""

    /// Opens `interface` (needs CAP_NET_RAW); `filter` is an optional BPF expression.
    public init(interface: String, macAddress: MACAddress, mtu: Int = 1500, filter: String? = nil) throws(DeviceError) {
        var errorBuffer = [CChar](repeating: 0, count: Int(PCAP_ERRBUF_SIZE))
        guard let handle = pcap_create(interface, &errorBuffer) else { throw DeviceError(.open, code: ENODEV) }
        pcap_set_snaplen(handle, Int32(mtu + 18))
        pcap_set_promisc(handle, 1)
        pcap_set_immediate_mode(handle, 1)
        pcap_set_buffer_size(handle, 4 << 20)
        let activated = pcap_activate(handle)
        guard activated >= 0 else {
            pcap_close(handle)
            throw DeviceError(.open, code: activated == PCAP_ERROR_NO_SUCH_DEVICE ? ENODEV : activated == PCAP_ERROR_PERM_DENIED ? EPERM : EIO)
        }
        // Only frames arriving on the interface: what we inject must not come back in.
        guard pcap_datalink(handle) == DLT_EN10MB, pcap_setnonblock(handle, 1, &errorBuffer) == 0,
            pcap_setdirection(handle, PCAP_D_IN) == 0
        else {
            pcap_close(handle)
            throw DeviceError(.configure, code: EINVAL)
        }
        if let filter {
            var program = bpf_program()
            guard pcap_compile(handle, &program, filter, 1, PCAP_NETMASK_UNKNOWN) == 0 else {
                pcap_close(handle)
                throw DeviceError(.configure, code: EINVAL)
            }
            defer { pcap_freecode(&program) }
            guard pcap_setfilter(handle, &program) == 0 else {
                pcap_close(handle)
                throw DeviceError(.configure, code: EINVAL)
            }
        }
        self.handle = handle
        fd = pcap_get_selectable_fd(handle)
        name = interface
        self.macAddress = macAddress
        self.mtu = mtu
    }

    deinit { close() }

    /// What `pcap_dispatch`'s callback needs: the batch being filled, and our address.
    private struct Dispatch {
        var batch: UnsafeMutablePointer<FrameBatch>
        var own: MACAddress
    }

    public func receive(into batch: inout FrameBatch) throws(DeviceError) -> Int {
        batch.reset()
        guard let handle else { return 0 }
        let capacity = batch.capacity
        let read = withUnsafeMutablePointer(to: &batch) { pointer -> Int32 in
            var context = Dispatch(batch: pointer, own: macAddress)
            return withUnsafeMutablePointer(to: &context) { contextPointer in
                pcap_dispatch(handle, Int32(capacity), { user, header, bytes in
                    guard let user, let header, let bytes else { return }
                    let context = user.withMemoryRebound(to: Dispatch.self, capacity: 1) { $0.pointee }
                    let length = Int(header.pointee.caplen)
                    let frame = UnsafeRawBufferPointer(start: bytes, count: length)
                    if length >= 12, MACAddress(frame: frame, offset: 6) == context.own { return }
                    _ = context.batch.pointee.append(frame)
                }, UnsafeMutableRawPointer(contextPointer).assumingMemoryBound(to: UInt8.self))
            }
        }
        guard read >= 0 else {
            lastError = String(cString: pcap_geterr(handle))
            throw DeviceError(.read, code: EIO)
        }
        return Int(read)
    }

    public func transmit(_ batch: inout FrameBatch) throws(DeviceError) -> Int {
        defer { batch.reset() }
        guard let handle else { return 0 }
        var sent = 0
        for frame in batch.frames {
            let written = batch.storage.withUnsafeBytes { bytes in
                pcap_inject(handle, bytes.baseAddress! + frame.lowerBound, frame.count)
            }
            guard written >= 0 else { return sent }
            sent += 1
        }
        return sent
    }

    public func isLinkUp() -> Bool { handle != nil }

    public func close() {
        guard let handle else { return }
        pcap_close(handle)
        self.handle = nil
    }
}

extension MACAddress {
    /// The six bytes at `offset` of a raw frame.
    init(frame: UnsafeRawBufferPointer, offset: Int) {
        var value: UInt64 = 0
        for index in offset..<offset + 6 { value = value << 8 | UInt64(frame[index]) }
        self.init(rawValue: value)
    }
}
