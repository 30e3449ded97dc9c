import OpenFlow
import Testing
import TestSupport
import Wire

/// `FlowMod.encode(xid:into:)` is a shortcut for the controller's hot path: it must
/// write exactly what the general message encoder writes, and fail the same way.
@Suite struct FlowModDirectEncodingTests {
    @Test func writesTheSameBytesAsTheMessageEncoder() throws {
        var rng = SplitMix64(seed: 0xF10D)
        for _ in 0..<500 {
            var match = Match(wildcards: Wildcards(rawValue: rng.u32() & Wildcards.all.rawValue))
            match.inPort = PortNumber(rng.u16())
            match.dlSrc = MACAddress(rawValue: rng.u64())
            match.nwDst = IPv4Address(rawValue: rng.u32())
            let actions = (0..<rng.int(0...3)).map { _ in Action.output(port: PortNumber(rng.u16()), maxLength: rng.u16()) }
            let flowMod = FlowMod(
                match: match, cookie: rng.u64(), command: FlowModCommand(rawValue: UInt16(rng.int(0...4))),
                idleTimeout: rng.u16(), hardTimeout: rng.u16(), priority: rng.u16(), bufferID: rng.u32(),
                outPort: PortNumber(rng.u16()), flags: FlowModFlags(rawValue: rng.u16() & 7), actions: actions)
            let xid = rng.u32()
            let expected = try OpenFlowMessage(xid: xid, .flowMod(flowMod)).encoded()
            var bytes = [UInt8](repeating: 0, count: flowMod.wireLength)
            let written: Int = try bytes.withUnsafeMutableBytes { raw throws(OpenFlowError) in
                var writer = ByteWriter(raw)
                try flowMod.encode(xid: xid, into: &writer)
                return writer.offset
            }
            #expect(written == expected.count)
            #expect(bytes == expected)
        }
    }

    @Test func aShortBufferFailsAndWritesNothing() {
        let flowMod = FlowMod(match: Match(), command: .add, actions: [.output(port: PortNumber(1))])
        var bytes = [UInt8](repeating: 0xAA, count: flowMod.wireLength - 1)
        bytes.withUnsafeMutableBytes { raw in
            var writer = ByteWriter(raw)
            #expect(throws: OpenFlowError.bufferTooSmall) { try flowMod.encode(xid: 1, into: &writer) }
            #expect(writer.offset == 0)
        }
        #expect(bytes.allSatisfy { $0 == 0xAA })
    }
}
