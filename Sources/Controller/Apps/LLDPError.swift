/// Why a frame is not an LLDP probe of ours. Discovery counts these and drops the frame:
/// LLDP from anything else on the wire (a host's lldpd, a real switch) is not an error
/// of the controller's, and a mangled one must never stop it.
public enum LLDPError: Error, Hashable, Sendable {
    /// The frame ends inside a header or a TLV, or before the End TLV.
    case truncated
    /// Not EtherType 0x88cc to the nearest-bridge address 01:80:c2:00:00:0e.
    case notLLDP
    /// The mandatory TLVs (chassis id, port id, TTL) are missing or out of order, or the
    /// End TLV has a length.
    case badTLV(type: UInt8)
    /// A chassis id that is not our `dpid:` + 16 hex digits (locally assigned, subtype 7).
    case foreignChassisID
    /// A port id that is not a 4-byte port component (subtype 2) naming a physical port.
    case badPortID
    /// A TTL TLV whose value is not two bytes.
    case badTTL
}
