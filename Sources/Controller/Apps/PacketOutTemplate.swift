import OpenFlow

/// One PACKET_OUT with a single output action, reused for every packet: sending it
/// mutates the kept message in place and encodes it, so it allocates nothing.
struct PacketOutTemplate {
    private var packetOut = PacketOut(actions: [.output(port: .flood)])

    /// Sends the packet of `packetIn` out of `port`: by buffer id when the switch
    /// buffered it, else with its bytes. An unbuffered packet the switch truncated
    /// (`miss_send_len`) cannot be sent whole, so it is not sent at all.
    @discardableResult
    mutating func send(
        _ packetIn: PacketIn, to port: PortNumber, on datapath: DatapathID, _ context: inout AppContext
    ) -> UInt32? {
        if packetIn.bufferID == BufferID.none {
            guard packetIn.data.count >= Int(packetIn.totalLength) else { return nil }
            packetOut.data = packetIn.data
        }
        packetOut.bufferID = packetIn.bufferID
        packetOut.inPort = packetIn.inPort
        packetOut.actions[0] = .output(port: port)
        defer { packetOut.data = [] }  // let go of the receive buffer the data lives in
        return context.send(.packetOut(packetOut), to: datapath)
    }
}
