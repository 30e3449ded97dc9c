import Capture
import Foundation
import OpenFlow
import Testing
import TestSupport

/// The codec against real Open vSwitch traffic: every message in the sample captures
/// (samples/captures, described in its README) is framed, decoded, and encoded back to
/// the same bytes, except the deliberately invalid ones, which fail with the expected
/// errors.
struct OfdumpFixtureTests {
    static let captures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("samples/captures")

    /// What one capture decodes to.
    struct Decoded {
        /// Messages per header type byte, malformed ones included.
        var counts: [UInt8: Int] = [:]
        var errors: [UInt32: OpenFlowError] = [:]
        /// Messages whose re-encoding differs from the captured bytes, as hex.
        var roundTripMismatches: [String] = []
    }

    static func decode(_ name: String) throws -> Decoded {
        let bytes = [UInt8](try Data(contentsOf: captures.appendingPathComponent(name)))
        var reader = try PcapReader(bytes)
        var reassembler = TCPReassembler()
        var framers: [FlowKey: Framer] = [:]
        var decoded = Decoded()
        func handle(_ key: FlowKey, _ event: TCPReassembler.Event) {
            switch event {
            case .opened, .closed:
                #expect(framers[key]?.bufferedCount ?? 0 == 0, "partial message at stream end")
                framers[key] = Framer()
            case .gap(let count):
                Issue.record("\(key): \(count) bytes missing from the capture")
            case .data(let chunk):
                framers[key, default: Framer()].append(chunk)
                while let frame = try? framers[key]?.next() {
                    decoded.counts[frame[frame.startIndex + 1], default: 0] += 1
                    do throws(OpenFlowError) {
                        let message = try OpenFlowMessage.decode(frame)
                        if try message.encoded() != Array(frame) { decoded.roundTripMismatches.append(Self.hex(frame)) }
                    } catch {
                        decoded.errors[Self.xid(frame)] = error
                    }
                }
            }
        }
        while let record = try reader.next() {
            if case .tcp(let segment) = PacketDemux.decode(record.data, linkType: record.linkType) {
                reassembler.receive(segment, handle)
            }
        }
        reassembler.finish(handle)
        return decoded
    }

    static func xid(_ frame: ArraySlice<UInt8>) -> UInt32 {
        frame.dropFirst(4).prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    static func hex(_ bytes: ArraySlice<UInt8>) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    @Test func ovsOfctlSession() throws {
        let decoded = try Self.decode("ovs-ofctl-session.pcap")
        let expected: [UInt8: Int] = [
            0: 120, 1: 9, 2: 17, 3: 17, 4: 3, 5: 8, 6: 9, 7: 9, 8: 9, 9: 3, 10: 13, 11: 3,
            12: 12, 13: 5, 14: 27, 15: 7, 16: 20, 17: 19, 18: 40, 19: 40, 20: 1, 21: 1, 23: 1,
        ]
        #expect(decoded.counts == expected)
        #expect(decoded.errors == [
            0xA9: .badType(MessageType(rawValue: 23)),
            0xA3: .badStatsType(9),
            0xA5: .badFlowModCommand(9),
            0xA7: .badActionType(0x20),
        ])
        #expect(decoded.roundTripMismatches == [])
    }

    @Test func ovsTestcontrollerSession() throws {
        let decoded = try Self.decode("ovs-testcontroller-session.pcap")
        #expect(decoded.counts == [0: 2, 2: 1, 3: 1, 5: 1, 6: 1, 9: 1, 10: 20, 13: 20, 14: 17])
        #expect(decoded.errors.isEmpty)
        #expect(decoded.roundTripMismatches == [])
    }
}
