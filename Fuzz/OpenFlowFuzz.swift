import OpenFlow
import Wire

/// libFuzzer entry point (built by `scripts/fuzz.sh`). Any trap here is a bug in the
/// code under test: parsers must reject bad bytes with a value, never crash, and
/// everything they accept must survive an encode/decode round trip unchanged.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    // The last byte picks the chunk size, so seeds (which all start with version 0x01)
    // still spread over segmentations.
    let chunk = Int(input.last ?? 0) % 17 + 1
    let whole = frames(of: input, chunk: input.count)
    let chunked = frames(of: input, chunk: chunk)
    // After a stream-fatal error the chunked framer has not seen the rest, so the
    // leftover counts only compare on clean streams.
    guard whole.frames == chunked.frames, whole.error == chunked.error,
        whole.error != nil || whole.leftover == chunked.leftover
    else {
        fatalError("Framer disagrees between whole and \(chunk)-byte chunks on \(hex(input[...]))")
    }
    let decoded = whole.frames.compactMap { checkRoundTrip($0[...]) }
    checkFrame(input[...])
    #if FUZZ_TEXT
    checkText(input, decoded)
    #else
    _ = decoded
    #endif
    return 0
}

/// Every message the framer yields when `input` arrives in `chunk`-byte pieces, the
/// stream-fatal error if any, and how many bytes were left waiting.
func frames(of input: [UInt8], chunk: Int) -> (frames: [[UInt8]], error: OpenFlowError?, leftover: Int) {
    var framer = Framer(capacity: 64)
    var out: [[UInt8]] = []
    var start = 0
    while start < input.count {
        let end = min(start + max(chunk, 1), input.count)
        framer.append(input[start..<end])
        start = end
        do {
            while let frame = try framer.next() { out.append(Array(frame)) }
        } catch {
            return (out, error, framer.bufferedCount)
        }
    }
    return (out, nil, framer.bufferedCount)
}

/// decode(encode(x)) == x for every message that decodes, at the same length, and
/// encoding into a buffer one byte short fails cleanly. Returns the decoded message.
func checkRoundTrip(_ frame: ArraySlice<UInt8>) -> OpenFlowMessage? {
    guard let message = try? OpenFlowMessage.decode(frame) else { return nil }
    guard message.wireLength == frame.count, let encoded = try? message.encoded() else {
        fatalError("re-encoding failed or changed length: \(hex(frame))")
    }
    guard let again = try? OpenFlowMessage.decode(encoded[...]), again == message || repairedText(message, again) else {
        let name = message.type.specName ?? "?"
        fatalError("round trip changed an \(name):\n in  \(hex(frame))\n out \(hex(encoded[...]))")
    }
    var short = [UInt8](repeating: 0, count: encoded.count - 1)
    short.withUnsafeMutableBytes { raw in
        var writer = ByteWriter(raw)
        do throws(OpenFlowError) {
            try message.encode(into: &writer)
            fatalError("encoding into a short buffer succeeded: \(hex(frame))")
        } catch {
            precondition(error == .bufferTooSmall && writer.offset == 0, "short-buffer encode left state behind")
        }
    }
    if case .packetIn(let packetIn) = message.message { checkFrame(packetIn.data) }
    return message
}

/// Fixed-width names are the one lossy field: invalid UTF-8 decodes to U+FFFD, whose
/// three bytes may no longer fit the field. Accept a difference only when the first
/// decode held a replacement character and encoding is stable from the second on.
func repairedText(_ first: OpenFlowMessage, _ second: OpenFlowMessage) -> Bool {
    guard fixedStrings(first).contains(where: { $0.unicodeScalars.contains("\u{FFFD}") }) else { return false }
    guard let encoded = try? second.encoded(), let third = try? OpenFlowMessage.decode(encoded[...]) else { return false }
    return third == second
}

/// The fixed-width string fields of a message.
func fixedStrings(_ message: OpenFlowMessage) -> [String] {
    switch message.message {
    case .featuresReply(let features): return features.ports.map(\.name)
    case .portStatus(let status): return [status.port.name]
    case .statsReply(let reply):
        switch reply.body {
        case .desc(let d): return [d.manufacturer, d.hardware, d.software, d.serialNumber, d.datapath]
        case .table(let tables): return tables.map(\.name)
        default: return []
        }
    default: return []
    }
}

/// The packet parsers over arbitrary bytes: they never fail, and report offsets
/// inside the frame.
func checkFrame(_ frame: ArraySlice<UInt8>) {
    let layout = FrameLayout(frame: frame)
    precondition(layout.networkOffset <= frame.count && (layout.transportOffset ?? 0) <= frame.count)
    let match = Match(layout: layout, inPort: PortNumber(1))
    precondition(Match(frame: frame, inPort: PortNumber(1)) == match && match.matches(match))
}

#if FUZZ_TEXT
/// The text forms (opt-in, `scripts/fuzz.sh --text`). The input as flow syntax: whatever
/// parses must print and parse back to the same flow. Every match and action list of
/// the decoded messages must print (not every one reads back: the binary form can hold
/// what ovs-ofctl syntax cannot, such as tp_dst without nw_proto).
func checkText(_ input: [UInt8], _ messages: [OpenFlowMessage]) {
    if let flow = try? FlowSyntax.parseFlow(String(decoding: input, as: UTF8.self), requiringActions: false) {
        guard let again = try? FlowSyntax.parseFlow(flow.textForm, requiringActions: false), again == flow else {
            fatalError("flow text does not read back: \(flow.textForm)")
        }
    }
    for message in messages {
        switch message.message {
        case .flowMod(let flowMod): printable(flowMod.match, flowMod.actions)
        case .packetOut(let packetOut): printable(Match(), packetOut.actions)
        case .flowRemoved(let removed): printable(removed.match)
        case .packetIn(let packetIn): printable(Match(frame: packetIn.data, inPort: packetIn.inPort))
        case .statsRequest(let request):
            if case .flow(let flows) = request.body { printable(flows.match) }
            if case .aggregate(let flows) = request.body { printable(flows.match) }
        case .statsReply(let reply):
            if case .flow(let entries) = reply.body { for entry in entries { printable(entry.match, entry.actions) } }
        default: break
        }
    }
}

func printable(_ match: Match, _ actions: [Action] = []) {
    precondition(!match.textForm.isEmpty && !actions.textForm.isEmpty)
}
#endif

func hex(_ bytes: ArraySlice<UInt8>) -> String {
    var text = ""
    for byte in bytes {
        text += String(byte >> 4, radix: 16) + String(byte & 0xF, radix: 16)
    }
    return text
}
