import OpenFlow
import Scheduler
import Wire

extension Datapath {
    /// OFPT_PACKET_OUT: the buffered packet (buffer_id) or the message's data, through
    /// the actions, as if received on its in_port. OFPP_TABLE is allowed here (the flow
    /// table decides, and a miss goes up as packet_in). The actions are validated
    /// first; a bad buffer_id is OFPBRC_BUFFER_UNKNOWN or OFPBRC_BUFFER_EMPTY (see
    /// `PacketBuffers`). Frames produced are added to `transmissions`.
    public mutating func packetOut(_ packetOut: PacketOut, now: Instant) throws(DatapathError) {
        let program = try compile(packetOut.actions, inPacketOut: true)
        let context = PacketContext(inPort: packetOut.inPort, allowsTable: true, now: now)
        if packetOut.bufferID != BufferID.none {
            try release(packetOut.bufferID, through: program, inPacketOut: true, now: now, inPort: packetOut.inPort)
        } else {
            execute(program, packetOut.data, context)
        }
    }

    /// Takes a buffered packet and runs `program` on it; its in_port is the one it was
    /// received on unless the caller (a PACKET_OUT) names one.
    mutating func release(
        _ bufferID: UInt32, through program: ActionProgram, inPacketOut: Bool, now: Instant, inPort: PortNumber? = nil
    ) throws(DatapathError) {
        let (bytes, receivedOn) = try buffers.take(bufferID, now: now)
        let context = PacketContext(inPort: inPort ?? receivedOn, allowsTable: inPacketOut, now: now)
        execute(program, bytes[...], context)
        buffers.recycle(bytes, id: bufferID)
    }

    private mutating func execute(_ program: ActionProgram, _ frame: ArraySlice<UInt8>, _ context: PacketContext) {
        editor.begin(FrameLayout(frame: frame))
        run(program, frame, context)
    }
}
