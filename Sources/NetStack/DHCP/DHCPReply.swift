import Wire

/// A server's message reduced to the fields the client acts on.
///
/// Parsing checks each length before reading, so a short, garbled or truncated datagram
/// is an error value, never a trap. Option overload (52) is not followed: the options
/// the client needs fit in the options field, and servers put them there.
struct DHCPReply {
    var op: UInt8
    var hardwareType: UInt8
    var hardwareLength: UInt8
    var xid: UInt32
    var yourAddress: IPv4Address
    var clientHardware: MACAddress
    var messageType: UInt8
    var serverIdentifier: IPv4Address?
    var subnetMask: IPv4Address?
    var router: IPv4Address?
    /// At most `DHCPLease.maximumDNSServers`, in the server's order.
    var dnsServers: [IPv4Address] = []
    var leaseTime: UInt32?
    var renewalTime: UInt32?
    var rebindingTime: UInt32?

    /// The message is not a well-formed BOOTP/DHCP message.
    struct Malformed: Error {}

    init(parsing payload: ArraySlice<UInt8>) throws(Malformed) {
        var reader = ByteReader(payload, truncated: Malformed())
        op = try reader.u8()
        hardwareType = try reader.u8()
        hardwareLength = try reader.u8()
        try reader.skip(1)  // hops
        xid = try reader.u32()
        try reader.skip(2 + 2 + 4)  // secs, flags, ciaddr
        yourAddress = try reader.ipv4()
        try reader.skip(4 + 4)  // siaddr, giaddr
        clientHardware = try reader.mac()
        try reader.skip(DHCPWire.chaddrPadding + DHCPWire.serverNameLength + DHCPWire.bootFileLength)
        guard try reader.u32() == DHCPWire.magicCookie else { throw Malformed() }

        var type: UInt8?
        // RFC 2131 requires an end option, but a message that stops cleanly after its
        // last option loses nothing, so the end of the datagram ends the options too.
        while !reader.isAtEnd {
            let code = try reader.u8()
            if code == DHCPOptionCode.pad { continue }
            if code == DHCPOptionCode.end { break }
            let length = Int(try reader.u8())
            let value = try reader.bytes(length)
            // The first well-sized instance of an option counts; a wrong-sized one is as
            // if absent, so a required option missing that way drops the message later.
            switch code {
            case DHCPOptionCode.messageType:
                if type == nil, value.count == 1 { type = value[value.startIndex] }
            case DHCPOptionCode.serverIdentifier:
                if serverIdentifier == nil { serverIdentifier = Self.address(value) }
            case DHCPOptionCode.subnetMask:
                if subnetMask == nil { subnetMask = Self.address(value) }
            case DHCPOptionCode.router:
                if router == nil { router = Self.firstAddress(value) }
            case DHCPOptionCode.domainNameServer:
                if dnsServers.isEmpty { dnsServers = Self.addresses(value, limit: DHCPLease.maximumDNSServers) }
            case DHCPOptionCode.leaseTime:
                if leaseTime == nil { leaseTime = Self.seconds(value) }
            case DHCPOptionCode.renewalTime:
                if renewalTime == nil { renewalTime = Self.seconds(value) }
            case DHCPOptionCode.rebindingTime:
                if rebindingTime == nil { rebindingTime = Self.seconds(value) }
            default:
                break
            }
        }
        guard let type else { throw Malformed() }
        messageType = type
    }

    private static func seconds(_ value: ArraySlice<UInt8>) -> UInt32? {
        guard value.count == 4 else { return nil }
        let i = value.startIndex
        return UInt32(value[i]) << 24 | UInt32(value[i &+ 1]) << 16 | UInt32(value[i &+ 2]) << 8
            | UInt32(value[i &+ 3])
    }

    private static func address(_ value: ArraySlice<UInt8>) -> IPv4Address? {
        seconds(value).map { IPv4Address(rawValue: $0) }
    }

    /// The first of a list of addresses (a non-empty multiple of four bytes).
    private static func firstAddress(_ value: ArraySlice<UInt8>) -> IPv4Address? {
        guard value.count >= 4, value.count % 4 == 0 else { return nil }
        return address(value.prefix(4))
    }

    private static func addresses(_ value: ArraySlice<UInt8>, limit: Int) -> [IPv4Address] {
        guard value.count >= 4, value.count % 4 == 0 else { return [] }
        var list: [IPv4Address] = []
        var start = value.startIndex
        while start < value.endIndex, list.count < limit {
            if let next = address(value[start..<start &+ 4]) { list.append(next) }
            start &+= 4
        }
        return list
    }
}
