import OpenFlow
import Testing
import Wire
import TestSupport

/// Random damage to valid messages never traps: decoding gives a value or a typed
/// error with an OFPT_ERROR code, never anything else.
struct MutationRobustnessTests {
    /// Decodes `bytes`; a value must encode again, an error must carry a code.
    static func check(_ bytes: ArraySlice<UInt8>, _ note: @autoclosure () -> String) {
        do {
            let message = try OpenFlowMessage.decode(bytes)
            do {
                _ = try message.encoded()
            } catch {
                Issue.record("\(note()): decoded value fails to encode: \(error)")
            }
        } catch {
            #expect(error.errorCode != nil, "\(note()): \(error) has no OFPT_ERROR code")
        }
    }

    @Test(arguments: 0...21)
    func bodyMutationsNeverTrap(type: Int) throws {
        let seed = propertySeed ^ (0x1000 + UInt64(type))
        var rng = SplitMix64(seed: seed)
        for i in 0..<300 {
            var bytes = try rng.openFlowMessage(type: type).encoded()
            // Flip 1...4 bytes after the header, so decoding reaches the body.
            if bytes.count > 8 {
                for _ in 0..<rng.int(1...4) { bytes[rng.int(8..<bytes.count)] ^= UInt8(rng.int(1...255)) }
            }
            Self.check(bytes[...], "seed \(seed) case \(i)")
        }
    }

    @Test func anyMutationNeverTraps() throws {
        let seed = propertySeed ^ 0x2000
        var rng = SplitMix64(seed: seed)
        for i in 0..<3000 {
            var bytes = try rng.openFlowMessage().encoded()
            switch rng.int(0...4) {
            case 0:  // flip bytes anywhere, the header included
                for _ in 0..<rng.int(1...4) { bytes[rng.int(0..<bytes.count)] = rng.u8() }
            case 1:  // truncate, keeping the header's length consistent
                let cut = rng.int(8...bytes.count)
                bytes.removeLast(bytes.count - cut)
                bytes[2] = UInt8(cut >> 8)
                bytes[3] = UInt8(cut & 0xFF)
            case 2:  // extend with junk, keeping the length consistent
                bytes += rng.bytes(rng.int(1...24))
                if bytes.count <= 0xFFFF {
                    bytes[2] = UInt8(bytes.count >> 8)
                    bytes[3] = UInt8(bytes.count & 0xFF)
                }
            case 3:  // truncate without fixing the length
                bytes.removeLast(rng.int(0...bytes.count))
            default:  // overwrite a 16-bit field inside the body (lengths, types, counts)
                if bytes.count >= 10 {
                    let at = rng.int(8..<(bytes.count - 1))
                    let value = rng.pick([0, 1, 4, 7, 8, 9, 15, 16, 0x7FFF, 0xFFFF, rng.int(0...0xFFFF)])
                    bytes[at] = UInt8(value >> 8)
                    bytes[at + 1] = UInt8(value & 0xFF)
                }
            }
            Self.check(bytes[...], "seed \(seed) case \(i) \(hexString(bytes.prefix(64)))")
        }
    }

    @Test func randomBytesNeverTrap() {
        let seed = propertySeed ^ 0x3000
        var rng = SplitMix64(seed: seed)
        for i in 0..<3000 {
            var bytes = rng.bytes(rng.int(0...200))
            if bytes.count >= 8, rng.bool() {
                bytes[0] = 0x01
                bytes[1] = UInt8(rng.int(0...23))
                bytes[2] = UInt8(bytes.count >> 8)
                bytes[3] = UInt8(bytes.count & 0xFF)
            }
            Self.check(bytes[...], "seed \(seed) case \(i)")
        }
    }

    @Test func mutatedStreamsNeverTrapTheFramer() throws {
        let seed = propertySeed ^ 0x4000
        var rng = SplitMix64(seed: seed)
        for round in 0..<50 {
            var stream: [UInt8] = []
            for _ in 0..<20 { try rng.openFlowMessage().append(to: &stream) }
            for _ in 0..<rng.int(1...6) { stream[rng.int(0..<stream.count)] = rng.u8() }
            var framer = Framer()
            var offset = 0
            var broken = false
            while offset < stream.count, !broken {
                let chunk = min(rng.int(1...300), stream.count - offset)
                framer.append(stream[offset..<offset + chunk])
                offset += chunk
                do {
                    while let frame = try framer.next() {
                        #expect(frame.count >= 8)
                        Self.check(frame, "seed \(seed) round \(round)")
                    }
                } catch {
                    #expect(error.isStreamFatal, "seed \(seed) round \(round): \(error)")
                    broken = true
                }
            }
        }
    }
}
