import CLinuxPlatform
import Glibc

/// How a packet socket moves frames between the kernel and us.
public enum PacketIO: String, Sendable, CaseIterable {
    /// PACKET_MMAP rings shared with the kernel: reading a busy port costs no system
    /// call, sending one per batch.
    case ring
    /// recvmmsg and sendmmsg: one system call per batch each way.
    case mmsg
}

/// A live interface as a switch port: an AF_PACKET socket bound to it, promiscuous, in
/// both directions, non-blocking. It never hands back a frame it sent itself (so a
/// flooded frame cannot loop through us), and VLAN tags the kernel stripped on receive
/// are put back, so the datapath sees the frame as it was on the wire.
///
/// Frames are whole, finished Ethernet frames only when the interface's peer does not
/// hand the kernel unfinished ones: turn segmentation and checksum offloads off on veth
/// pairs (`ethtool -K IFACE tx off tso off gso off gro off`), as Open vSwitch's
/// userspace datapath also requires.
public final class PacketSocket {
    /// The descriptor, for registration with the platform; -1 once closed.
    public private(set) var fd: Int32
    public let interfaceName: String
    public let interfaceIndex: Int32
    /// The interface's own address, 6 bytes (the OpenFlow port's hw_addr).
    public let hardwareAddress: [UInt8]
    /// How frames move; `.ring` sockets read and write only through `ring`.
    public let io: PacketIO
    private var ring: OpaquePointer?

    /// Space `receive` needs in front of a frame to put a stripped VLAN tag back.
    public static let headroom = FrameBatch.headroom

    /// Opens `interface`; needs CAP_NET_RAW. `bufferBytes` sizes the kernel's queues
    /// both ways (a burst the loop has not read yet waits there); with `.ring` the rings
    /// hold 2,048 frames in and 512 out instead. Frames longer than 1,982 bytes do not fit
    /// a receive ring's slot and are counted as oversized.
    public init(interface: String, io: PacketIO = .mmsg, bufferBytes: Int32 = 4 << 20) throws(SocketError) {
        var index: Int32 = 0
        var mac = [UInt8](repeating: 0, count: 6)
        let fd = c_linux_platform_packet_open(interface, io == .ring ? 0 : bufferBytes, &index, &mac)
        guard fd >= 0 else { throw .last(.packetSocket) }
        if io == .ring {
            guard let ring = c_linux_platform_packet_ring_open(fd, 2048, 512) else {
                let error = SocketError.last(.packetRing)
                Glibc.close(fd)
                throw error
            }
            self.ring = ring
        }
        self.fd = fd
        self.io = io
        interfaceName = interface
        interfaceIndex = index
        hardwareAddress = mac
    }

    deinit { close() }

    /// Reads as many waiting frames as `batch` holds, with one system call. Returns how
    /// many were read (our own transmissions are skipped and oversized frames counted,
    /// so `batch.frames` may hold fewer): fewer than the batch's capacity means the
    /// socket is drained.
    @discardableResult
    public func receive(into batch: inout FrameBatch) throws(SocketError) -> Int {
        batch.reset()
        let capacity = batch.capacity
        let slotSize = batch.slotSize
        var received: UInt32 = 0
        var oversized: UInt32 = 0
        let kept = batch.storage.withUnsafeMutableBytes { storage in
            batch.offsets.withUnsafeMutableBufferPointer { offsets in
                batch.lengths.withUnsafeMutableBufferPointer { lengths in
                    let buffer = storage.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    if let ring {
                        return c_linux_platform_packet_ring_receive_batch(
                            ring, buffer, slotSize, UInt32(capacity), offsets.baseAddress!, lengths.baseAddress!,
                            &received, &oversized)
                    }
                    return c_linux_platform_packet_receive_batch(
                        fd, buffer, slotSize, UInt32(capacity), offsets.baseAddress!, lengths.baseAddress!,
                        &received, &oversized)
                }
            }
        }
        guard kept >= 0 else {
            // The link went down under us; the link poll reports it, there is nothing to read.
            if errno == ENETDOWN { return 0 }
            throw .last(.read)
        }
        for index in 0..<Int(kept) {
            batch.frames.append(batch.offsets[index]..<batch.offsets[index] + batch.lengths[index])
        }
        batch.oversized = Int(oversized)
        return Int(received)
    }

    /// Sends every frame of `batch` with one system call, then empties it. Returns how
    /// many the socket took; the rest are dropped, as a congested port drops.
    @discardableResult
    public func send(_ batch: inout FrameBatch) throws(SocketError) -> Int {
        defer { batch.reset() }
        guard !batch.frames.isEmpty else { return 0 }
        let count = batch.frames.count
        for index in 0..<count {
            batch.offsets[index] = batch.frames[index].lowerBound
            batch.lengths[index] = batch.frames[index].count
        }
        let sent = batch.storage.withUnsafeBytes { storage in
            batch.offsets.withUnsafeBufferPointer { offsets in
                batch.lengths.withUnsafeBufferPointer { lengths in
                    let buffer = storage.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    if let ring {
                        return c_linux_platform_packet_ring_send_batch(
                            ring, buffer, offsets.baseAddress!, lengths.baseAddress!, UInt32(count))
                    }
                    return c_linux_platform_packet_send_batch(
                        fd, buffer, offsets.baseAddress!, lengths.baseAddress!, UInt32(count))
                }
            }
        }
        if sent >= 0 { return Int(sent) }
        switch errno {
        case EAGAIN, EWOULDBLOCK, ENOBUFS, ENETDOWN: return 0
        default: throw .last(.send)
        }
    }

    /// Frames the kernel dropped because this socket's queue was full, since the last
    /// call: the port's rx_dropped.
    public func takeKernelDrops() -> UInt64 {
        UInt64(max(0, c_linux_platform_packet_drops(fd)))
    }

    /// Sends one frame. False when the socket's queue is full or the link is down (the
    /// frame is dropped, as a congested port drops); a frame the interface refuses (too
    /// long, interface gone) throws.
    public func send(_ frame: UnsafeRawBufferPointer) throws(SocketError) -> Bool {
        guard !frame.isEmpty else { return true }
        if let ring {
            var offset = 0
            var length = frame.count
            let queued = c_linux_platform_packet_ring_send_batch(
                ring, frame.baseAddress!.assumingMemoryBound(to: UInt8.self), &offset, &length, 1)
            if queued > 0 { return true }
            if queued == 0 { return false }
        } else if c_linux_platform_packet_send(fd, frame.baseAddress, frame.count) >= 0 {
            return true
        }
        switch errno {
        case EAGAIN, EWOULDBLOCK, ENOBUFS, ENETDOWN: return false
        default: throw .last(.send)
        }
    }

    /// Whether the interface is administratively up and has carrier (IFF_UP and
    /// IFF_RUNNING): the port's link state.
    public func isLinkUp() throws(SocketError) -> Bool {
        let flags = c_linux_platform_interface_flags(interfaceName)
        guard flags >= 0 else { throw .last(.interfaceFlags) }
        return flags & Int32(IFF_UP) != 0 && flags & Int32(IFF_RUNNING) != 0
    }

    /// Closes the socket (which also removes it from any epoll set); safe to call twice.
    public func close() {
        guard fd >= 0 else { return }
        c_linux_platform_packet_ring_close(ring)
        ring = nil
        Glibc.close(fd)
        fd = -1
    }
}
