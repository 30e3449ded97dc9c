import LinuxPlatform

/// A switch port's frames on the host: where they come from and where they go. The
/// switch loop numbers ports 1, 2, 3... in the order it is given them.
///
/// A port with a descriptor is read when the descriptor is readable. A port without one
/// (a pcap replay) is read by the loop whenever `hasPendingInput` says so.
public protocol FramePort: AnyObject {
    /// The OpenFlow port name (at most 15 bytes are reported).
    var name: String { get }
    /// The OpenFlow port's hw_addr, 6 bytes.
    var hardwareAddress: [UInt8] { get }
    /// The descriptor to watch for incoming frames; nil when there is none.
    var fd: Int32? { get }
    /// For ports without a descriptor: frames are waiting to be read.
    var hasPendingInput: Bool { get }
    /// Reads the frames waiting, up to the batch's capacity; returns how many were read
    /// (fewer than the capacity: nothing more is waiting).
    func receive(into batch: inout FrameBatch) throws(SocketError) -> Int
    /// Sends one frame; false when it was dropped because the port is congested.
    func send(_ frame: UnsafeRawBufferPointer) throws(SocketError) -> Bool
    /// Sends every frame of `batch` and empties it; returns how many went out (the rest
    /// were dropped because the port is congested).
    func send(_ batch: inout FrameBatch) throws(SocketError) -> Int
    /// The link state, polled about once a second.
    func isLinkUp() -> Bool
    /// Frames lost before the switch could read them since the last call (a full
    /// kernel queue), polled with the link state: the port's rx_dropped.
    func takeDrops() -> UInt64
    /// Releases the port (flushing what it writes); called once, at shutdown.
    func close()
}

extension FramePort {
    public var hasPendingInput: Bool { false }

    /// One `send` per frame, for ports without a batch call of their own.
    public func send(_ batch: inout FrameBatch) throws(SocketError) -> Int {
        defer { batch.reset() }
        var sent = 0
        for frame in batch.frames {
            let taken = try batch.storage.withUnsafeBytes { bytes in
                Result { () throws(SocketError) -> Bool in try send(UnsafeRawBufferPointer(rebasing: bytes[frame])) }
            }.get()
            if taken { sent += 1 }
        }
        return sent
    }
    public func takeDrops() -> UInt64 { 0 }
}
