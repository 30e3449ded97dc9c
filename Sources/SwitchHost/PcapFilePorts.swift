import Capture
import Devices
import Foundation
import Glibc
import LinuxPlatform
import Scheduler
import Wire

/// Why a pcap port cannot be opened.
public struct PcapPortError: Error, CustomStringConvertible {
    public var description: String
}

/// A port whose input is the Ethernet frames of a capture file (pcap or pcapng) and
/// whose output is dropped. The file is streamed through a bounded buffer, twice: once
/// when the port opens, to check every record (a corrupt capture is refused at start,
/// not halfway through), then as the switch reads it.
///
/// Frames are paced by `speed` against their timestamps (1: the recorded rate, 2: twice
/// as fast; 0: as fast as the loop takes them). The replay clock starts at the first
/// `release`; `nextFrameDue` says when the loop should come back.
public final class ReplayPort: FramePort {
    public let name: String
    public let macAddress: MACAddress
    public let path: String
    public let speed: Double
    /// Frames in the file, and how many have been read.
    public let frameCount: Int
    public private(set) var framesRead = 0
    /// Why the replay stopped early (the file changed since it was checked), if it did.
    public private(set) var failure: String?
    private let file: CaptureFile
    /// The next record, read ahead to know when it is due. Its bytes are the stream's:
    /// nothing reads the file while it is held.
    private var pending: PcapRecord?
    /// When the replay started, and the first frame's timestamp.
    private var origin: (start: Instant, first: CaptureTimestamp)?
    /// Frames due at or before this may be read.
    private var releasedUntil = Instant.zero

    public init(path: String, name: String, hardwareAddress: [UInt8], speed: Double = 0) throws(PcapPortError) {
        frameCount = try Self.check(path)
        file = try CaptureFile(path: path)
        self.path = path
        self.name = name
        macAddress = MACAddress(hardwareAddress[...])
        self.speed = speed
    }

    /// Reads the whole file once: the number of frames, all of them Ethernet.
    private static func check(_ path: String) throws(PcapPortError) -> Int {
        let file = try CaptureFile(path: path)
        var count = 0
        while let record = try file.next() {
            count += 1
            guard record.linkType == .ethernet else {
                throw PcapPortError(description: "\(path): frame \(count) is not Ethernet (\(record.linkType))")
            }
        }
        return count
    }

    public var fd: Int32? { nil }
    public var mtu: Int { 1500 }
    public var largestFrame: Int { 2048 - FrameBatch.headroom }
    public var hasPendingInput: Bool { framesRead < frameCount && failure == nil }

    /// Lets `receive` take the frames due at or before `now`; the first call starts the
    /// replay clock.
    public func release(until now: Instant) {
        if origin == nil, let first = peek() { origin = (now, first.timestamp) }
        releasedUntil = now
    }

    /// When the next frame is due: `.zero` before the clock starts or without pacing,
    /// nil once the file is done.
    public func nextFrameDue() -> Instant? {
        guard hasPendingInput, let record = peek() else { return nil }
        guard speed > 0, let origin else { return .zero }
        let (seconds, nanoseconds) = Self.elapsed(from: origin.first, to: record.timestamp)
        let scaled = (Double(seconds) * 1e9 + Double(nanoseconds)) / speed
        return origin.start + Interval(nanoseconds: scaled < 1.8e19 ? UInt64(scaled) : .max)
    }

    /// Time between two capture timestamps; zero when `to` is earlier.
    private static func elapsed(from: CaptureTimestamp, to: CaptureTimestamp) -> (UInt64, UInt64) {
        guard from < to else { return (0, 0) }
        let borrow: UInt64 = to.nanoseconds < from.nanoseconds ? 1 : 0
        let nanoseconds = UInt64(to.nanoseconds) + borrow * 1_000_000_000 - UInt64(from.nanoseconds)
        return (to.seconds - from.seconds - borrow, nanoseconds)
    }

    /// The next record, read ahead if needed; nil at the end or after a failure.
    private func peek() -> PcapRecord? {
        if pending == nil, failure == nil {
            do throws(PcapPortError) {
                pending = try file.next()
            } catch {
                failure = error.description
            }
        }
        return pending
    }

    public func receive(into batch: inout FrameBatch) throws(DeviceError) -> Int {
        batch.fill { buffer in readOne(into: buffer) }
    }

    private func readOne(into buffer: UnsafeMutableRawBufferPointer) -> FrameReceive {
        guard hasPendingInput, let due = nextFrameDue(), due <= releasedUntil, let record = pending else { return .empty }
        pending = nil
        framesRead += 1
        let room = buffer.count - PacketSocket.headroom
        guard record.data.count <= room else { return .oversized }
        record.data.withUnsafeBytes { bytes in
            UnsafeMutableRawBufferPointer(rebasing: buffer[PacketSocket.headroom...]).copyMemory(from: bytes)
        }
        return .frame(offset: PacketSocket.headroom, length: record.data.count)
    }

    /// A replay port has nowhere to send; its output is counted and dropped.
    public func transmit(_ batch: inout FrameBatch) throws(DeviceError) -> Int {
        defer { batch.reset() }
        return batch.frames.count
    }

    public func isLinkUp() -> Bool { true }
}

/// A capture file read record by record through a `PcapStream`: a bounded buffer, so
/// memory does not grow with the file.
final class CaptureFile {
    let path: String
    private let fd: Int32
    private var stream = PcapStream()

    init(path: String) throws(PcapPortError) {
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw PcapPortError(description: "\(path): \(String(cString: strerror(errno)))") }
        self.path = path
    }

    deinit { Glibc.close(fd) }

    /// The next record (valid until the next call), or nil at the end of the file.
    func next() throws(PcapPortError) -> PcapRecord? {
        while true {
            do throws(CaptureError) {
                if let record = try stream.next() { return record }
            } catch {
                throw PcapPortError(description: "\(path): \(error)")
            }
            if stream.isAtEnd { return nil }
            try stream.fill { buffer throws(PcapPortError) -> Int in
                while true {
                    let count = read(fd, buffer.baseAddress, buffer.count)
                    if count >= 0 { return count }
                    guard errno == EINTR else {
                        throw PcapPortError(description: "\(path): \(String(cString: strerror(errno)))")
                    }
                }
            }
        }
    }
}

/// A port whose output is written to a classic pcap file (microsecond timestamps, the
/// wall clock), and which never receives. The file is written in pieces as it grows and
/// completed at `close`.
public final class RecordPort: FramePort {
    public let name: String
    public let macAddress: MACAddress
    public let path: String
    public private(set) var framesWritten = 0
    private var writer = PcapWriter()
    private var file: FileHandle?
    /// Bytes kept in memory before they are written out.
    private let flushThreshold = 1 << 16

    public init(path: String, name: String, hardwareAddress: [UInt8]) throws(PcapPortError) {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw PcapPortError(description: "\(path): cannot create the file")
        }
        self.path = path
        self.name = name
        macAddress = MACAddress(hardwareAddress[...])
        file = handle
        flush()
    }

    public var fd: Int32? { nil }
    public var mtu: Int { 1500 }
    public var largestFrame: Int { 2048 - FrameBatch.headroom }

    public func receive(into batch: inout FrameBatch) throws(DeviceError) -> Int {
        batch.reset()
        return 0
    }

    /// Appends every frame of the batch, stamped with the wall clock.
    public func transmit(_ batch: inout FrameBatch) throws(DeviceError) -> Int {
        defer { batch.reset() }
        var clock = timespec()
        clock_gettime(CLOCK_REALTIME, &clock)
        let stamp = CaptureTimestamp(seconds: UInt64(clock.tv_sec), nanoseconds: UInt32(clock.tv_nsec))
        for frame in batch.frames {
            writer.append(batch.storage[frame], at: stamp)
        }
        framesWritten += batch.frames.count
        if writer.bytes.count >= flushThreshold { flush() }
        return batch.frames.count
    }

    public func isLinkUp() -> Bool { true }

    public func close() {
        flush()
        try? file?.close()
        file = nil
    }

    private func flush() {
        let bytes = writer.takeBytes()
        guard !bytes.isEmpty else { return }
        file?.write(Data(bytes))
    }
}
