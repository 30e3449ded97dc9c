import Wire

/// What one single-frame read gave (see `FrameBatch.fill`).
public enum FrameReceive: Hashable, Sendable {
    /// A frame of this many bytes, starting at this offset in the buffer.
    case frame(offset: Int, length: Int)
    /// Nothing waiting; wait for readiness.
    case empty
    /// A frame longer than the buffer arrived and was dropped.
    case oversized
}

/// Frames read in one go from a port, or gathered to be sent in one go: a reused buffer
/// of fixed-size slots, and where in it each frame lies. Neither allocates.
///
/// Each slot starts with `headroom` spare bytes, so a packet socket can put back a VLAN
/// tag the kernel stripped without moving the frame.
///
/// Every frame device (a packet socket, a tap, a pcap file, an in-memory wire, later Xen
/// netfront) reads into and writes from one of these.
public struct FrameBatch {
    /// Spare bytes at the start of each slot: room for a 4-byte VLAN tag.
    public static let headroom = 4

    /// The bytes; frames are `storage[frames[i]]`.
    public package(set) var storage: [UInt8]
    /// The frames of the last read, in arrival order.
    public package(set) var frames: [Range<Int>]
    /// What each frame asks of the device (`offloads[i]` goes with `frames[i]`); nothing
    /// unless the stack wrote a large TCP frame for a device that segments (see
    /// `FrameDevice.segmentationOffload`). Sized to the capacity once; entries past the
    /// last frame are always empty, so frames appended any other way ask nothing.
    public package(set) var offloads: [FrameOffload]
    /// Frames dropped by the last read because they did not fit a slot.
    public package(set) var oversized = 0
    /// Slots in the batch, and the bytes each holds (headroom included).
    public let capacity: Int
    public let slotSize: Int
    /// Where a packet socket's batch read reports each frame; kept to allocate nothing.
    package var offsets: [Int]
    package var lengths: [Int]

    /// `slotSize` should cover the largest frame the port can deliver plus the headroom:
    /// the default takes jumbo frames up to 16 KB.
    public init(capacity: Int = 32, slotSize: Int = FrameBatch.headroom + 16384) {
        precondition(capacity > 0 && capacity <= 64 && slotSize > FrameBatch.headroom)
        self.capacity = capacity
        self.slotSize = slotSize
        storage = [UInt8](repeating: 0, count: capacity * slotSize)
        frames = []
        frames.reserveCapacity(capacity)
        offloads = Array(repeating: FrameOffload(), count: capacity)
        offsets = Array(repeating: 0, count: capacity)
        lengths = Array(repeating: 0, count: capacity)
    }

    /// True when no slot is left for `append`.
    public var isFull: Bool { frames.count == capacity }

    /// Copies a frame into the next free slot (to be sent with the others); false when
    /// the batch is full or the frame is larger than a slot.
    public mutating func append(_ frame: UnsafeRawBufferPointer) -> Bool {
        guard frames.count < capacity, frame.count <= slotSize else { return false }
        let base = frames.count * slotSize
        storage.withUnsafeMutableBytes { bytes in
            UnsafeMutableRawBufferPointer(rebasing: bytes[base..<base + frame.count]).copyMemory(from: frame)
        }
        frames.append(base..<base + frame.count)
        return true
    }

    /// Lets `write` put a frame straight into the next free slot (after the headroom);
    /// it returns the frame's length, 0 for none. False when the batch is full or
    /// nothing was written.
    public mutating func appendWriting(_ write: (UnsafeMutableRawBufferPointer) -> Int) -> Bool {
        appendWriting { buffer, _ in write(buffer) }
    }

    /// `appendWriting` for a writer that may also say what the frame asks of the device.
    public mutating func appendWriting(_ write: (UnsafeMutableRawBufferPointer, inout FrameOffload) -> Int) -> Bool {
        guard frames.count < capacity else { return false }
        let start = frames.count * slotSize + Self.headroom
        let room = slotSize - Self.headroom
        var offload = FrameOffload()
        let length = storage.withUnsafeMutableBytes { bytes in
            write(UnsafeMutableRawBufferPointer(rebasing: bytes[start..<start + room]), &offload)
        }
        guard length > 0 else { return false }
        offloads[frames.count] = offload
        frames.append(start..<start + min(length, room))
        return true
    }

    /// Empties the batch before a read, or after a send.
    public mutating func reset() {
        for index in frames.indices { offloads[index] = FrameOffload() }
        frames.removeAll(keepingCapacity: true)
        oversized = 0
    }

    /// Fills the batch one frame at a time from `read`, which stores a frame in the slot
    /// it is lent (headroom included) and says where: how a port without a batch call of
    /// its own (a file, a socket pair) fills one. Stops at the first `.empty`; returns
    /// how many frames were read, as `PacketSocket.receive(into:)` does.
    @discardableResult
    public mutating func fill<E: Error>(_ read: (UnsafeMutableRawBufferPointer) throws(E) -> FrameReceive) throws(E) -> Int {
        reset()
        for slot in 0..<capacity {
            let base = slot * slotSize
            let size = slotSize
            let result = try storage.withUnsafeMutableBytes { bytes in
                Result { () throws(E) -> FrameReceive in try read(UnsafeMutableRawBufferPointer(rebasing: bytes[base..<base + size])) }
            }.get()
            switch result {
            case .frame(let offset, let length): frames.append(base + offset..<base + offset + length)
            case .oversized: oversized += 1
            case .empty: return slot
            }
        }
        return capacity
    }
}
