import Devices
import Glibc
import LinuxPlatform
import PcapDevice
import Wire

/// The frame device picked by `--net`, behind one concrete type, so the loops are
/// compiled once whatever the flag says; the descriptor is what the platform watches.
public final class HostDevice: FrameDevice {
    private let device: any FrameDevice
    /// The descriptor that becomes readable when frames arrive.
    public let fd: Int32
    public let spec: NetworkSpec

    /// Opens the device `spec` names; our side uses `macAddress`.
    public init(_ spec: NetworkSpec, macAddress: MACAddress) throws(DeviceError) {
        self.spec = spec
        switch spec {
        case .tap(let name):
            let tap = try TapDevice(name: name, macAddress: macAddress)
            device = tap
            fd = tap.fd
        case .afPacket(let name):
            let socket = try PacketDevice(interface: name, macAddress: macAddress)
            device = socket
            fd = socket.socket.fd
        case .pcap(let name):
            let pcap = try PcapLiveDevice(interface: name, macAddress: macAddress)
            device = pcap
            fd = pcap.fd
        }
    }

    public var macAddress: MACAddress { device.macAddress }
    public var mtu: Int { device.mtu }
    public var largestFrame: Int { device.largestFrame }
    public var segmentationOffload: Int { device.segmentationOffload }
    public func receive(into batch: inout FrameBatch) throws(DeviceError) -> Int { try device.receive(into: &batch) }
    public func transmit(_ batch: inout FrameBatch) throws(DeviceError) -> Int { try device.transmit(&batch) }
    public func isLinkUp() -> Bool { device.isLinkUp() }
    public func close() { device.close() }
}

/// An existing interface through a packet socket, as a frame device for our stack.
public final class PacketDevice: FrameDevice {
    public let socket: PacketSocket
    public let macAddress: MACAddress
    public let mtu = 1500

    public init(interface: String, macAddress: MACAddress) throws(DeviceError) {
        do throws(SocketError) {
            socket = try PacketSocket(interface: interface)
        } catch {
            throw DeviceError(.open, code: error.code)
        }
        self.macAddress = macAddress
    }

    public func receive(into batch: inout FrameBatch) throws(DeviceError) -> Int {
        do throws(SocketError) { return try socket.receive(into: &batch) } catch { throw DeviceError(.read, code: error.code) }
    }

    public func transmit(_ batch: inout FrameBatch) throws(DeviceError) -> Int {
        do throws(SocketError) { return try socket.send(&batch) } catch { throw DeviceError(.write, code: error.code) }
    }

    public func isLinkUp() -> Bool { (try? socket.isLinkUp()) ?? false }
    public func close() { socket.close() }
}

extension DeviceError: CustomStringConvertible {
    /// "open: Operation not permitted (1)".
    public var description: String {
        let what = switch operation {
        case .open: "open"
        case .configure: "configure"
        case .read: "read"
        case .write: "write"
        case .close: "close"
        }
        return what + ": " + String(cString: strerror(code)) + " (" + String(code) + ")"
    }
}
