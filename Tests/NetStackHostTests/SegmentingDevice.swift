import Devices
import TestSupport
import Wire

/// One end of a `MemoryWire` as a `NetInterface` sees it; with `offload`, it takes
/// large TCP frames as a tap with offloads does and cuts them (in software, as Linux
/// GSO would) on their way onto the wire, so only MTU-sized frames travel.
final class SegmentingDevice: FrameDevice {
    let end: MemoryFrameDevice
    let offload: Bool
    /// Large frames taken, and the largest frame handed over.
    private(set) var framesSegmented = 0
    private(set) var largestTaken = 0
    private var pieces = FrameBatch(capacity: 64, slotSize: 2048)

    init(_ end: MemoryFrameDevice, offload: Bool) {
        self.end = end
        self.offload = offload
    }

    var macAddress: MACAddress { end.macAddress }
    var mtu: Int { end.mtu }
    var segmentationOffload: Int { offload ? 65535 : 0 }
    func receive(into batch: inout FrameBatch) throws(DeviceError) -> Int { try end.receive(into: &batch) }
    func isLinkUp() -> Bool { end.isLinkUp() }

    func transmit(_ batch: inout FrameBatch) throws(DeviceError) -> Int {
        guard offload else { return try end.transmit(&batch) }
        defer { batch.reset() }
        for (range, request) in zip(batch.frames, batch.offloads) {
            let frame = Array(batch.storage[range])
            largestTaken = max(largestTaken, frame.count)
            if request.segments { framesSegmented += 1 }
            for piece in SoftwareSegmentation.cut(frame, request) {
                if pieces.isFull { _ = try end.transmit(&pieces) }
                _ = piece.withUnsafeBytes { pieces.append($0) }
            }
        }
        _ = try end.transmit(&pieces)
        return batch.frames.count
    }
}
