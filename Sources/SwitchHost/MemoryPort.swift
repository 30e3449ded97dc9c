import Devices
import Glibc
import LinuxPlatform
import Wire

/// A port whose other end is in this process: a SOCK_SEQPACKET socket pair, one frame
/// per message. Tests attach a `MemoryPort.Peer` to play the host on the wire, with no
/// interfaces and no privileges.
public final class MemoryPort: FramePort {
    public let name: String
    public let macAddress: MACAddress
    public var mtu: Int { 1500 }
    public var largestFrame: Int { 2048 - FrameBatch.headroom }
    private var socket: Int32

    /// The far end of the wire, used from the test's thread.
    public final class Peer: @unchecked Sendable {
        // Set once in init; only read afterwards.
        private var socket: Int32

        init(socket: Int32) { self.socket = socket }
        deinit { close() }

        /// Puts a frame on the wire, into the switch.
        public func send(_ frame: [UInt8]) {
            _ = frame.withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }

        /// The next frame the switch sent out of this port, waiting up to `milliseconds`.
        public func receive(milliseconds: Int32 = 2000) -> [UInt8]? {
            var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, milliseconds) > 0 else { return nil }
            var buffer = [UInt8](repeating: 0, count: 65536)
            let count = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            return count > 0 ? Array(buffer[..<count]) : nil
        }

        public func close() {
            guard socket >= 0 else { return }
            Glibc.close(socket)
            socket = -1
        }
    }

    /// A port and the peer holding the other end of its wire.
    public static func pair(name: String, hardwareAddress: [UInt8]) -> (port: MemoryPort, peer: Peer) {
        var fds: [Int32] = [-1, -1]
        let kind = Int32(SOCK_SEQPACKET.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, kind, 0, &fds) == 0 else { fatalError("socketpair: \(String(cString: strerror(errno)))") }
        _ = fcntl(fds[0], F_SETFL, O_NONBLOCK)
        return (MemoryPort(name: name, macAddress: MACAddress(hardwareAddress[...]), socket: fds[0]), Peer(socket: fds[1]))
    }

    private init(name: String, macAddress: MACAddress, socket: Int32) {
        self.name = name
        self.macAddress = macAddress
        self.socket = socket
    }

    deinit { close() }

    public var fd: Int32? { socket >= 0 ? socket : nil }

    public func receive(into batch: inout FrameBatch) throws(DeviceError) -> Int {
        try batch.fill { (buffer) throws(DeviceError) -> FrameReceive in try receiveOne(into: buffer) }
    }

    private func receiveOne(into buffer: UnsafeMutableRawBufferPointer) throws(DeviceError) -> FrameReceive {
        let room = UnsafeMutableRawBufferPointer(rebasing: buffer[PacketSocket.headroom...])
        let count = recv(socket, room.baseAddress, room.count, Int32(MSG_DONTWAIT | MSG_TRUNC))
        if count < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK { return .empty }
            throw DeviceError(.read, code: errno)
        }
        if count > room.count { return .oversized }
        return .frame(offset: PacketSocket.headroom, length: count)
    }

    /// One message per frame; a full socket buffer drops the rest, as a congested port does.
    public func transmit(_ batch: inout FrameBatch) throws(DeviceError) -> Int {
        defer { batch.reset() }
        var sent = 0
        for frame in batch.frames {
            let status = batch.storage.withUnsafeBytes { bytes in
                Glibc.send(socket, bytes.baseAddress! + frame.lowerBound, frame.count, Int32(MSG_DONTWAIT | MSG_NOSIGNAL))
            }
            if status >= 0 {
                sent += 1
            } else if errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS {
                throw DeviceError(.write, code: errno)
            }
        }
        return sent
    }

    public func isLinkUp() -> Bool { socket >= 0 }

    public func close() {
        guard socket >= 0 else { return }
        Glibc.close(socket)
        socket = -1
    }
}
