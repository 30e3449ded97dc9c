import Wire

/// A message from the client (DISCOVER, REQUEST, RELEASE), laid out as RFC 2131 section 2
/// and table 5 prescribe, written straight into the caller's buffer.
struct DHCPClientMessage {
    var type: UInt8
    var xid: UInt32
    var secs: UInt16
    /// Set while the client has no address, so the server broadcasts its reply.
    var broadcast: Bool
    /// `ciaddr`: the leased address when renewing, rebinding or releasing, else 0.0.0.0.
    var clientAddress: IPv4Address
    var mac: MACAddress
    /// Option 50, only in a REQUEST answering an OFFER.
    var requestedAddress: IPv4Address?
    /// Option 54: the chosen server in REQUESTING, the lease's server in a RELEASE.
    var serverIdentifier: IPv4Address?
    /// Option 12, 1...255 bytes.
    var hostname: [UInt8]?
    /// Option 55: in DISCOVER and REQUEST, not in RELEASE.
    var requestsParameters: Bool

    func write(into writer: inout ByteWriter) throws(WireError) {
        let start = writer.offset
        try writer.u8(DHCPWire.bootRequest)
        try writer.u8(DHCPWire.hardwareEthernet)
        try writer.u8(DHCPWire.hardwareLength)
        try writer.u8(0)  // hops
        try writer.u32(xid)
        try writer.u16(secs)
        try writer.u16(broadcast ? DHCPWire.broadcastFlag : 0)
        try writer.ipv4(clientAddress)
        try writer.ipv4(.any)  // yiaddr
        try writer.ipv4(.any)  // siaddr
        try writer.ipv4(.any)  // giaddr
        try writer.mac(mac)
        try writer.zeros(DHCPWire.chaddrPadding + DHCPWire.serverNameLength + DHCPWire.bootFileLength)
        try writer.u32(DHCPWire.magicCookie)

        try writer.u8(DHCPOptionCode.messageType)
        try writer.u8(1)
        try writer.u8(type)
        // Client identifier: hardware type 1 and the MAC, as most clients send it, so a
        // server keys the lease the same way across our restarts.
        try writer.u8(DHCPOptionCode.clientIdentifier)
        try writer.u8(1 + 6)
        try writer.u8(DHCPWire.hardwareEthernet)
        try writer.mac(mac)
        if let requestedAddress {
            try writer.u8(DHCPOptionCode.requestedAddress)
            try writer.u8(4)
            try writer.ipv4(requestedAddress)
        }
        if let serverIdentifier {
            try writer.u8(DHCPOptionCode.serverIdentifier)
            try writer.u8(4)
            try writer.ipv4(serverIdentifier)
        }
        if let hostname, !hostname.isEmpty, hostname.count <= 255 {
            try writer.u8(DHCPOptionCode.hostName)
            try writer.u8(UInt8(hostname.count))
            try writer.bytes(hostname)
        }
        if requestsParameters {
            try writer.u8(DHCPOptionCode.parameterRequestList)
            try writer.u8(UInt8(DHCPOptionCode.requested.count))
            try writer.bytes(DHCPOptionCode.requested)
        }
        try writer.u8(DHCPOptionCode.end)
        let written = writer.offset &- start
        if written < DHCPWire.minimumMessageLength {
            try writer.zeros(DHCPWire.minimumMessageLength &- written)
        }
    }
}
