import Wire

/// A FLOW_MOD encoded once, whose match, buffer id and first OUTPUT action's port are
/// rewritten in place for each use: what a learning switch sends per packet_in, with
/// no message built, copied or encoded on that path. Send `bytes` with
/// `AppContext.send(encoded:to:)`, which writes a fresh xid into its copy.
public struct FlowModTemplate {
    /// The whole message (xid 0).
    public private(set) var bytes: [UInt8]
    /// Where the first OUTPUT action's port lies, if the first action is one.
    private let outputPortOffset: Int?

    // Offsets in an OpenFlow 1.0 FLOW_MOD (`ofp_flow_mod`): the header, the 40-byte
    // match, cookie, command, timeouts and priority, then buffer_id; the actions follow
    // the 64-byte body's fixed part.
    private static var matchOffset: Int { 8 }
    private static var matchLength: Int { 40 }
    private static var bufferIDOffset: Int { 64 }
    private static var actionsOffset: Int { 72 }

    public init(_ flowMod: FlowMod) throws(OpenFlowError) {
        bytes = try OpenFlowMessage(xid: 0, .flowMod(flowMod)).encoded()
        if case .output = flowMod.actions.first {
            outputPortOffset = Self.actionsOffset + 4  // type, length, then port
        } else {
            outputPortOffset = nil
        }
    }

    public mutating func setMatch(_ match: Match) {
        bytes.withUnsafeMutableBytes { raw in
            var writer = ByteWriter(UnsafeMutableRawBufferPointer(rebasing: raw[Self.matchOffset..<Self.matchOffset + Self.matchLength]))
            match.encodeReserved(into: &writer)
        }
    }

    /// Sets the match to `frame`'s exact match (see `Match.writeExact(of:inPort:into:)`):
    /// what `setMatch(Match(frame: frame, inPort: inPort))` does, in a third of the work.
    public mutating func setExactMatch(of frame: borrowing ArraySlice<UInt8>, inPort: PortNumber) {
        frame.withUnsafeBytes { source in
            bytes.withUnsafeMutableBytes { raw in
                let match = UnsafeMutableRawBufferPointer(rebasing: raw[Self.matchOffset..<Self.matchOffset + Self.matchLength])
                Match.writeExact(of: source, inPort: inPort, into: match)
            }
        }
    }

    public mutating func setBufferID(_ bufferID: UInt32) {
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: bufferID.bigEndian, toByteOffset: Self.bufferIDOffset, as: UInt32.self) }
    }

    /// Sets the port of the first action, which must be OUTPUT (the template's flow
    /// decided that when it was made).
    public mutating func setOutputPort(_ port: PortNumber) {
        guard let offset = outputPortOffset else { preconditionFailure("the template's first action is not OUTPUT") }
        bytes.withUnsafeMutableBytes { $0.storeBytes(of: port.rawValue.bigEndian, toByteOffset: offset, as: UInt16.self) }
    }
}
