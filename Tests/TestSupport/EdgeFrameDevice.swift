import Devices
import Scheduler
import Wire

/// A frame device whose wake-ups are edges, as Xen netfront's are: reported ready when
/// frames arrive (`push`), and a read consumes that whether or not it took them all. A
/// loop that stops reading before the queue is empty must read again by itself.
public final class EdgeFrameDevice: FrameDevice, ReadinessSource {
    public let macAddress: MACAddress
    public var mtu: Int { 1500 }
    /// Frames not read yet, and the frames transmitted, in order.
    public var waiting: [[UInt8]] = []
    public var sent: [[UInt8]] = []
    private var edge = false

    public init(mac: MACAddress) { macAddress = mac }

    public func push(_ frames: [[UInt8]]) {
        waiting += frames
        edge = true
    }

    public func receive(into batch: inout FrameBatch) throws(DeviceError) -> Int {
        edge = false
        batch.reset()
        var taken = 0
        while taken < waiting.count, !batch.isFull {
            _ = waiting[taken].withUnsafeBytes { batch.append($0) }
            taken += 1
        }
        waiting.removeFirst(taken)
        return taken
    }

    public func transmit(_ batch: inout FrameBatch) throws(DeviceError) -> Int {
        defer { batch.reset() }
        for frame in batch.frames { sent.append(Array(batch.storage[frame])) }
        return batch.frames.count
    }

    public func isLinkUp() -> Bool { true }
    public func currentReadiness() -> (readable: Bool, writable: Bool, closed: Bool) { (edge, false, false) }
}
