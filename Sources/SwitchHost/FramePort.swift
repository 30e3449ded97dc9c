import Devices
import LinuxPlatform
import Wire

/// A switch port on a Linux host: a frame device with the name OpenFlow reports and, for
/// a live one, the descriptor epoll watches for its frames. A port without one (a
/// capture replayed into the switch, a file recording what it sends) is fed by the loop.
public protocol FramePort: FrameDevice {
    /// The OpenFlow port name (at most 15 bytes are reported).
    var name: String { get }
    /// The descriptor to watch for incoming frames; nil when there is none.
    var fd: Int32? { get }
}

/// Any `FramePort` behind one concrete type, so the switch loop is compiled once for
/// every mix of live interfaces, captures and in-memory wires.
public final class HostPort: FrameDevice {
    public let port: any FramePort

    public init(_ port: any FramePort) { self.port = port }

    public var macAddress: MACAddress { port.macAddress }
    public var mtu: Int { port.mtu }
    public var largestFrame: Int { port.largestFrame }
    public func receive(into batch: inout FrameBatch) throws(DeviceError) -> Int { try port.receive(into: &batch) }
    public func transmit(_ batch: inout FrameBatch) throws(DeviceError) -> Int { try port.transmit(&batch) }
    public func isLinkUp() -> Bool { port.isLinkUp() }
    public func takeDrops() -> UInt64 { port.takeDrops() }
    public func close() { port.close() }
}

extension DeviceError {
    /// A socket call's failure as a device's.
    init(_ error: SocketError, _ operation: Operation) {
        self.init(operation, code: error.code)
    }
}
