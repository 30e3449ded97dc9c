import Devices
import LinuxPlatform
import Wire

/// A live Linux interface, read and written through a packet socket.
public final class LivePort: FramePort {
    public let socket: PacketSocket
    public let macAddress: MACAddress

    public init(interface: String, io: PacketIO = .ring) throws(SocketError) {
        socket = try PacketSocket(interface: interface, io: io)
        macAddress = MACAddress(socket.hardwareAddress.prefix(6))
    }

    public var name: String { socket.interfaceName }
    public var fd: Int32? { socket.fd }
    public var mtu: Int { 1500 }
    /// What a packet socket slot has always held here: room for a jumbo-free frame with tags.
    public var largestFrame: Int { 2048 - FrameBatch.headroom }

    public func receive(into batch: inout FrameBatch) throws(DeviceError) -> Int {
        do throws(SocketError) { return try socket.receive(into: &batch) } catch { throw DeviceError(error, .read) }
    }

    public func transmit(_ batch: inout FrameBatch) throws(DeviceError) -> Int {
        do throws(SocketError) { return try socket.send(&batch) } catch { throw DeviceError(error, .write) }
    }

    public func takeDrops() -> UInt64 { socket.takeKernelDrops() }

    /// A failed query (the interface was deleted) reads as down.
    public func isLinkUp() -> Bool {
        (try? socket.isLinkUp()) ?? false
    }

    public func close() { socket.close() }
}
