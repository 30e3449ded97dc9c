import Capture
import Foundation
import LinuxPlatform
import Logging
import Scheduler
import Switch
import SwitchHost
import TestSupport
import Testing

/// Paced replay: frames leave a replay port when their timestamps say, scaled by the
/// speed, on the instants the loop passes in.
@Suite struct ReplayPacingTests {
    private func temporaryPath(_ name: String) -> String {
        NSTemporaryDirectory() + "switchhost-pacing-\(getpid())-\(name)"
    }

    /// A capture whose frames carry these timestamps (milliseconds after 100 s).
    private func writeCapture(_ path: String, milliseconds: [UInt32]) throws {
        var writer = PcapWriter()
        for (index, ms) in milliseconds.enumerated() {
            let frame = Frames.ethernet(dst: .broadcast, src: Frames.hostA, type: 0x0800, Array(repeating: UInt8(index), count: 46))
            writer.append(frame[...], at: CaptureTimestamp(seconds: 100 + UInt64(ms / 1000), nanoseconds: ms % 1000 * 1_000_000))
        }
        try Data(writer.bytes).write(to: URL(fileURLWithPath: path))
    }

    private func instant(ms: UInt64) -> Instant { Instant(nanoseconds: 5_000_000_000 + ms * 1_000_000) }

    /// Frames the port hands over once released until `now`.
    private func take(_ port: ReplayPort, until now: Instant) throws -> [UInt8] {
        port.release(until: now)
        var batch = FrameBatch(capacity: 8, slotSize: 2048)
        _ = try port.receive(into: &batch)
        return batch.frames.map { batch.storage[$0.lowerBound + 14] }  // each frame's payload byte: its index
    }

    @Test func framesAreDueAtTheirTimestampsScaledBySpeed() throws {
        let path = temporaryPath("paced.pcap")
        defer { unlink(path) }
        try writeCapture(path, milliseconds: [0, 500, 500, 2000])
        let port = try ReplayPort(path: path, name: "replay1", hardwareAddress: [2, 0, 0, 0, 0, 1], speed: 2)
        #expect(port.nextFrameDue() == .zero)  // before the clock starts
        #expect(try take(port, until: instant(ms: 0)) == [0])
        #expect(port.nextFrameDue() == instant(ms: 250))
        #expect(try take(port, until: instant(ms: 249)) == [])
        #expect(try take(port, until: instant(ms: 250)) == [1, 2])
        #expect(port.nextFrameDue() == instant(ms: 1000))
        #expect(try take(port, until: instant(ms: 5000)) == [3])
        #expect(port.nextFrameDue() == nil)
        #expect(!port.hasPendingInput)
    }

    @Test func speedZeroReplaysEverythingAtOnce() throws {
        let path = temporaryPath("fast.pcap")
        defer { unlink(path) }
        try writeCapture(path, milliseconds: [0, 1000, 3_600_000])
        let port = try ReplayPort(path: path, name: "replay1", hardwareAddress: [2, 0, 0, 0, 0, 1])
        #expect(try take(port, until: instant(ms: 0)) == [0, 1, 2])
        #expect(port.frameCount == 3 && port.framesRead == 3)
    }

    @Test func timestampsGoingBackwardsAreDueAtOnce() throws {
        let path = temporaryPath("backwards.pcap")
        defer { unlink(path) }
        try writeCapture(path, milliseconds: [1000, 0, 1500])
        let port = try ReplayPort(path: path, name: "replay1", hardwareAddress: [2, 0, 0, 0, 0, 1], speed: 1)
        #expect(try take(port, until: instant(ms: 0)) == [0, 1])
        #expect(port.nextFrameDue() == instant(ms: 500))
    }

    @Test func thePacedLoopTakesTheRecordedTimeOverSpeed() throws {
        let input = temporaryPath("in.pcap")
        let output = temporaryPath("out.pcap")
        defer {
            unlink(input)
            unlink(output)
        }
        try writeCapture(input, milliseconds: [0, 400, 800, 1200])  // 1.2 s recorded
        let replay = try ReplayPort(path: input, name: "replay1", hardwareAddress: [2, 0, 0, 0, 0, 1], speed: 8)
        let record = try RecordPort(path: output, name: "record2", hardwareAddress: [2, 0, 0, 0, 0, 2])
        var options = SwitchLoop.Options()
        options.stopAfterReplay = true
        let loop = try SwitchLoop(
            datapath: DatapathSettings(), agent: AgentSettings(), controllers: [], ports: [replay, record], options: options,
            logger: Logger(label: "test"))
        let start = MonotonicClock.now()
        loop.run()
        let elapsed = MonotonicClock.now() - start
        #expect(record.framesWritten == 4)
        #expect(elapsed >= .milliseconds(150))  // 1.2 s at 8x
    }
}
