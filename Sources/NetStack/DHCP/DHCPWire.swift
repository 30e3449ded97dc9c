/// The fixed BOOTP layout (RFC 2131 section 2) and the RFC 2132 codes the client uses,
/// in one place so the reader and the writer agree on every offset and number.
enum DHCPWire {
    static let bootRequest: UInt8 = 1
    static let bootReply: UInt8 = 2
    static let hardwareEthernet: UInt8 = 1
    static let hardwareLength: UInt8 = 6
    /// The top bit of `flags`: asks the server to broadcast its reply, because a client
    /// without an address cannot take a unicast IP datagram addressed to `yiaddr`.
    static let broadcastFlag: UInt16 = 0x8000
    /// 99.130.83.99, which marks the vendor area as DHCP options (RFC 2131 section 3).
    static let magicCookie: UInt32 = 0x6382_5363
    /// Bytes of `chaddr` after the six of an Ethernet address, then `sname` and `file`.
    static let chaddrPadding = 10
    static let serverNameLength = 64
    static let bootFileLength = 128
    /// RFC 1542 section 2.1: relays and older servers drop a BOOTP message shorter than this.
    static let minimumMessageLength = 300
}

/// Values of option 53.
enum DHCPMessageType {
    static let discover: UInt8 = 1
    static let offer: UInt8 = 2
    static let request: UInt8 = 3
    static let decline: UInt8 = 4
    static let ack: UInt8 = 5
    static let nak: UInt8 = 6
    static let release: UInt8 = 7
}

/// Option codes (RFC 2132).
enum DHCPOptionCode {
    static let pad: UInt8 = 0
    static let subnetMask: UInt8 = 1
    static let router: UInt8 = 3
    static let domainNameServer: UInt8 = 6
    static let hostName: UInt8 = 12
    static let requestedAddress: UInt8 = 50
    static let leaseTime: UInt8 = 51
    static let messageType: UInt8 = 53
    static let serverIdentifier: UInt8 = 54
    static let parameterRequestList: UInt8 = 55
    static let renewalTime: UInt8 = 58
    static let rebindingTime: UInt8 = 59
    static let clientIdentifier: UInt8 = 61
    static let end: UInt8 = 255

    /// What the client asks for in option 55: the lease's fields, nothing it would ignore.
    static let requested: [UInt8] = [
        subnetMask, router, domainNameServer, leaseTime, serverIdentifier, renewalTime, rebindingTime,
    ]
}
