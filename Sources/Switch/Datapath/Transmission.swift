import OpenFlow

/// One frame to send out of one port.
public struct Transmission: Hashable, Sendable {
    public var port: PortNumber
    /// The queue an ENQUEUE action chose; nil for a plain output.
    public var queueID: UInt32?
    /// The bytes as the actions left them at the output. A slice of the datapath's
    /// arena: valid until the next call into the datapath. Keep a copy past that, not
    /// the slice (holding it makes the datapath copy its arena, which allocates).
    public var frame: ArraySlice<UInt8>

    public init(port: PortNumber, queueID: UInt32? = nil, frame: ArraySlice<UInt8>) {
        self.port = port
        self.queueID = queueID
        self.frame = frame
    }
}

/// The frames the last call produced, in the order the actions output them. A view
/// over the datapath's reusable buffers: iterating it allocates nothing.
public struct TransmissionList: RandomAccessCollection {
    let arena: [UInt8]
    let sends: [FrameEditor.Send]
    let sendCount: Int

    public var startIndex: Int { 0 }
    public var endIndex: Int { sendCount }

    public subscript(position: Int) -> Transmission {
        let send = sends[position]
        return Transmission(port: send.port, queueID: send.queueID, frame: arena[send.start..<send.start + send.count])
    }
}
