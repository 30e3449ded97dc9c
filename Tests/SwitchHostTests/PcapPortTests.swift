import Capture
import Foundation
import Logging
import Switch
import SwitchHost
import TestSupport
import Testing
import Wire

/// Pcap ports: a capture replayed through the switch and what it sends recorded, run
/// offline to the end of the file.
@Suite struct PcapPortTests {
    private func temporaryPath(_ name: String) -> String {
        NSTemporaryDirectory() + "switchhost-\(getpid())-\(name)"
    }

    @Test func replayThroughTheSwitchIsRecordedUnchanged() throws {
        let input = temporaryPath("in.pcap")
        let output = temporaryPath("out.pcap")
        defer {
            unlink(input)
            unlink(output)
        }
        var frames: [[UInt8]] = []
        var writer = PcapWriter()
        for index in 0..<200 {
            let frame = Frames.ethernet(dst: .broadcast, src: Frames.hostA, type: 0x0800, Array(repeating: UInt8(index & 0xff), count: 46 + index))
            frames.append(frame)
            writer.append(frame[...], at: CaptureTimestamp(seconds: 1, nanoseconds: UInt32(index)))
        }
        try Data(writer.bytes).write(to: URL(fileURLWithPath: input))

        let replay = try ReplayPort(path: input, name: "replay1", hardwareAddress: [2, 0, 0, 0, 0, 1])
        #expect(replay.frameCount == 200)
        let record = try RecordPort(path: output, name: "record2", hardwareAddress: [2, 0, 0, 0, 0, 2])
        var options = SwitchLoop.Options()
        options.stopAfterReplay = true
        let loop = try SwitchLoop(
            datapath: DatapathSettings(), agent: AgentSettings(), controllers: [], ports: [replay, record], options: options,
            logger: Logger(label: "test"))
        loop.run()  // returns once the file is replayed

        #expect(record.framesWritten == 200)
        var reader = try PcapReader([UInt8](try Data(contentsOf: URL(fileURLWithPath: output))))
        var recorded: [[UInt8]] = []
        while let packet = try reader.next() { recorded.append(Array(packet.data)) }
        #expect(recorded == frames)
    }

    @Test func aCorruptCaptureIsRefusedAtOpen() throws {
        let path = temporaryPath("bad.pcap")
        defer { unlink(path) }
        var writer = PcapWriter()
        writer.append(Array(repeating: 1, count: 60)[...], at: CaptureTimestamp(seconds: 1, nanoseconds: 0))
        try Data(writer.bytes.dropLast(10)).write(to: URL(fileURLWithPath: path))
        #expect(throws: PcapPortError.self) { try ReplayPort(path: path, name: "r", hardwareAddress: [2, 0, 0, 0, 0, 1]) }
        #expect(throws: PcapPortError.self) { try ReplayPort(path: path + ".missing", name: "r", hardwareAddress: [2, 0, 0, 0, 0, 1]) }
    }
}
