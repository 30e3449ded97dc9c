import LinuxPlatform

/// A live Linux interface, read and written through a packet socket.
public final class LivePort: FramePort {
    public let socket: PacketSocket

    public init(interface: String) throws(SocketError) {
        socket = try PacketSocket(interface: interface)
    }

    public var name: String { socket.interfaceName }
    public var hardwareAddress: [UInt8] { socket.hardwareAddress }
    public var fd: Int32? { socket.fd }

    public func receive(into batch: inout FrameBatch) throws(SocketError) -> Int {
        try socket.receive(into: &batch)
    }

    public func send(_ batch: inout FrameBatch) throws(SocketError) -> Int {
        try socket.send(&batch)
    }

    public func takeDrops() -> UInt64 { socket.takeKernelDrops() }

    public func send(_ frame: UnsafeRawBufferPointer) throws(SocketError) -> Bool {
        try socket.send(frame)
    }

    /// A failed query (the interface was deleted) reads as down.
    public func isLinkUp() -> Bool {
        (try? socket.isLinkUp()) ?? false
    }

    public func close() { socket.close() }
}
