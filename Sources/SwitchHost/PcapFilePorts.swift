import Capture
import Foundation
import LinuxPlatform

/// Why a pcap port cannot be opened.
public struct PcapPortError: Error, CustomStringConvertible {
    public var description: String
}

/// A port whose input is the Ethernet frames of a capture file (pcap or pcapng), read
/// as fast as the loop takes them once the switch is ready (see `SwitchLoop`), and
/// whose output is dropped. The whole file is checked when the port opens, so a corrupt
/// capture is refused at start, not halfway through.
public final class ReplayPort: FramePort {
    public let name: String
    public let hardwareAddress: [UInt8]
    public let path: String
    /// Frames in the file, and how many have been read.
    public let frameCount: Int
    public private(set) var framesRead = 0
    private var reader: PcapReader

    public init(path: String, name: String, hardwareAddress: [UInt8]) throws(PcapPortError) {
        let bytes: [UInt8]
        do { bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) } catch {
            throw PcapPortError(description: "\(path): \(error.localizedDescription)")
        }
        var count = 0
        var foreign: (frame: Int, linkType: LinkType)?
        do throws(CaptureError) {
            reader = try PcapReader(bytes)
            var check = reader
            while foreign == nil, let record = try check.next() {
                count += 1
                if record.linkType != .ethernet { foreign = (count, record.linkType) }
            }
        } catch {
            throw PcapPortError(description: "\(path): \(error)")
        }
        if let foreign {
            throw PcapPortError(description: "\(path): frame \(foreign.frame) is not Ethernet (\(foreign.linkType))")
        }
        frameCount = count
        self.path = path
        self.name = name
        self.hardwareAddress = hardwareAddress
    }

    public var fd: Int32? { nil }
    public var hasPendingInput: Bool { framesRead < frameCount }

    public func receive(into batch: inout FrameBatch) throws(SocketError) -> Int {
        batch.fill { buffer in readOne(into: buffer) }
    }

    private func readOne(into buffer: UnsafeMutableRawBufferPointer) -> FrameReceive {
        // The file was read through once at open, so this cannot fail now.
        guard let record = try? reader.next() else { return .empty }
        framesRead += 1
        let room = buffer.count - PacketSocket.headroom
        guard record.data.count <= room else { return .oversized }
        record.data.withUnsafeBytes { bytes in
            UnsafeMutableRawBufferPointer(rebasing: buffer[PacketSocket.headroom...]).copyMemory(from: bytes)
        }
        return .frame(offset: PacketSocket.headroom, length: record.data.count)
    }

    /// A replay port has nowhere to send; its output is counted and dropped.
    public func send(_ frame: UnsafeRawBufferPointer) throws(SocketError) -> Bool { true }

    public func isLinkUp() -> Bool { true }
    public func close() {}
}

/// A port whose output is written to a classic pcap file (microsecond timestamps, the
/// wall clock), and which never receives. The file is written in pieces as it grows and
/// completed at `close`.
public final class RecordPort: FramePort {
    public let name: String
    public let hardwareAddress: [UInt8]
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
        self.hardwareAddress = hardwareAddress
        file = handle
        flush()
    }

    public var fd: Int32? { nil }

    public func receive(into batch: inout FrameBatch) throws(SocketError) -> Int {
        batch.reset()
        return 0
    }

    public func send(_ frame: UnsafeRawBufferPointer) throws(SocketError) -> Bool {
        var clock = timespec()
        clock_gettime(CLOCK_REALTIME, &clock)
        writer.append(
            ArraySlice<UInt8>(frame),
            at: CaptureTimestamp(seconds: UInt64(clock.tv_sec), nanoseconds: UInt32(clock.tv_nsec)))
        framesWritten += 1
        if writer.bytes.count >= flushThreshold { flush() }
        return true
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
