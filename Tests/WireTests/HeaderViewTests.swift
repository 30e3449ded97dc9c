import Testing
import Wire
import TestSupport

/// Each checked header view: its accessors on hand-built bytes (also from slices that
/// do not start at 0), and the truncation and bad-length errors of its initializer.
struct HeaderViewTests {
    /// `bytes` placed at index 3 of a larger array, as a slice.
    func offset(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
        ([0xEE, 0xEE, 0xEE] + bytes + [0xEE])[3..<(3 + bytes.count)]
    }

    @Test func ethernet() throws {
        let bytes = hex("ff ff ff ff ff ff", "00 11 22 33 44 55", "08 06", "01 02")
        for view in [try EthernetHeader(bytes[...]), try EthernetHeader(offset(bytes))] {
            #expect(view.destination == .broadcast)
            #expect(view.source == MACAddress(0x00, 0x11, 0x22, 0x33, 0x44, 0x55))
            #expect(view.etherType == .arp)
            #expect(Array(view.payload) == [1, 2])
        }
        #expect(throws: WireError.truncated) { try EthernetHeader(bytes[0..<13]) }
        #expect(try EthernetHeader(bytes[0..<14]).payload.isEmpty)
    }

    @Test func etherTypes() {
        #expect(EtherType.ipv4.rawValue == 0x0800 && EtherType.arp.rawValue == 0x0806)
        #expect(EtherType.vlan.rawValue == 0x8100 && EtherType.ipv6.rawValue == 0x86DD && EtherType.lldp.rawValue == 0x88CC)
        #expect(EtherType(rawValue: 0x05DC).isLength && EtherType(rawValue: 0x05FF).isLength)
        #expect(!EtherType(rawValue: 0x0600).isLength)
        #expect(IPProtocol.icmp.rawValue == 1 && IPProtocol.tcp.rawValue == 6 && IPProtocol.udp.rawValue == 17)
    }

    @Test func vlanTag() throws {
        let bytes = hex("b0 64", "08 00", "45")  // PCP 5, DEI 1, VID 100
        for tag in [try VLANTag(bytes[...]), try VLANTag(offset(bytes))] {
            #expect(tag.tci == 0xB064)
            #expect(tag.pcp == 5 && tag.vid == 100)
            #expect(tag.innerEtherType == .ipv4)
            #expect(Array(tag.payload) == [0x45])
        }
        #expect(try VLANTag(hex("ff ff 00 00")[...]).vid == 4095)
        #expect(try VLANTag(hex("ff ff 00 00")[...]).pcp == 7)
        #expect(throws: WireError.truncated) { try VLANTag(bytes[0..<3]) }
    }

    static let ipv4Bytes = hex(
        "46 b9 00 24",  // version 4, IHL 6; TOS 0xb9; total length 36
        "ab cd 20 00",  // id, MF set, offset 0
        "40 06 00 00",  // TTL 64, TCP, checksum
        "c0 00 02 01", "c6 33 64 07",  // 192.0.2.1 -> 198.51.100.7
        "01 01 01 00",  // options: NOP NOP NOP EOL
        "00 01 02 03 04 05 06 07 08 09 0a 0b",  // 12 bytes of payload
        "ff ff")  // Ethernet padding past total length

    @Test func ipv4() throws {
        for ip in [try IPv4Header(Self.ipv4Bytes[...]), try IPv4Header(offset(Self.ipv4Bytes))] {
            #expect(ip.headerLength == 24)
            #expect(ip.tos == 0xB9 && ip.dscpBits == 0xB8)
            #expect(ip.totalLength == 36)
            #expect(ip.identification == 0xABCD)
            #expect(ip.flagsAndFragmentOffset == 0x2000)
            #expect(ip.moreFragments && ip.fragmentOffset == 0 && ip.isFragment)
            #expect(ip.ttl == 64 && ip.proto == .tcp)
            #expect(ip.checksum == 0)
            #expect(ip.source == IPv4Address(192, 0, 2, 1) && ip.destination == IPv4Address(198, 51, 100, 7))
            #expect(Array(ip.payload) == Array(0..<12))  // cut to total length
        }
    }

    @Test func ipv4FragmentFlags() throws {
        func ip(_ flags: String) throws -> IPv4Header {
            try IPv4Header(hex("45 00 00 14 00 00", flags, "40 11 00 00 0a 00 00 01 0a 00 00 02")[...])
        }
        #expect(try !ip("40 00").isFragment)  // DF only
        #expect(try !ip("00 00").isFragment)
        #expect(try ip("00 b9").isFragment && ip("00 b9").fragmentOffset == 185 && !ip("00 b9").moreFragments)
        #expect(try ip("3f ff").fragmentOffset == 0x1FFF && ip("3f ff").moreFragments)
        #expect(try ip("80 00").isFragment == false)  // the reserved bit is not a fragment
    }

    @Test func ipv4PayloadWhenTotalLengthIsInconsistent() throws {
        var bytes = Self.ipv4Bytes
        bytes[3] = 0xFF  // total length past the bytes: payload is everything after the header
        #expect(try IPv4Header(bytes[...]).payload.count == bytes.count - 24)
        bytes[2] = 0
        bytes[3] = 0x10  // total length 16, shorter than the header
        #expect(try IPv4Header(bytes[...]).payload.count == bytes.count - 24)
    }

    @Test func ipv4Errors() {
        let bytes = Self.ipv4Bytes
        #expect(throws: WireError.truncated) { try IPv4Header(bytes[0..<19]) }
        #expect(throws: WireError.truncated) { try IPv4Header(bytes[0..<23]) }  // options cut
        #expect(throws: Never.self) { try IPv4Header(bytes[0..<24]) }
        var v6 = bytes
        v6[0] = 0x66
        #expect(throws: WireError.badLength) { try IPv4Header(v6[...]) }
        var shortIHL = bytes
        shortIHL[0] = 0x44
        #expect(throws: WireError.badLength) { try IPv4Header(shortIHL[...]) }
        var longIHL = bytes
        longIHL[0] = 0x4F  // 60 bytes of header, 38 present
        #expect(throws: WireError.truncated) { try IPv4Header(longIHL[...]) }
    }

    static let tcpBytes = hex(
        "c0 00 01 bb",  // 49152 -> 443
        "00 00 00 64", "00 00 00 c8",  // seq 100, ack 200
        "60 12",  // data offset 6, SYN|ACK
        "ff ff", "12 34", "00 00",  // window, checksum, urgent
        "02 04 05 b4",  // MSS 1460
        "de ad")

    @Test func tcp() throws {
        for tcp in [try TCPHeader(Self.tcpBytes[...]), try TCPHeader(offset(Self.tcpBytes))] {
            #expect(tcp.sourcePort == 49152 && tcp.destinationPort == 443)
            #expect(tcp.sequenceNumber == 100 && tcp.acknowledgmentNumber == 200)
            #expect(tcp.headerLength == 24)
            #expect(tcp.flags == TCPHeader.Flags.syn | TCPHeader.Flags.ack)
            #expect(tcp.window == 0xFFFF && tcp.checksum == 0x1234 && tcp.urgentPointer == 0)
            #expect(Array(tcp.options) == [0x02, 0x04, 0x05, 0xB4])
            #expect(Array(tcp.payload) == [0xDE, 0xAD])
        }
        #expect(TCPHeader.Flags.fin == 1 && TCPHeader.Flags.rst == 4 && TCPHeader.Flags.psh == 8 && TCPHeader.Flags.urg == 0x20)
        var ns = Self.tcpBytes
        ns[12] = 0x61  // NS bit is part of the 9 flag bits
        #expect(try TCPHeader(ns[...]).flags == 0x112)
    }

    @Test func tcpErrors() {
        #expect(throws: WireError.truncated) { try TCPHeader(Self.tcpBytes[0..<19]) }
        #expect(throws: WireError.truncated) { try TCPHeader(Self.tcpBytes[0..<23]) }
        var small = Self.tcpBytes
        small[12] = 0x40  // data offset 4
        #expect(throws: WireError.badLength) { try TCPHeader(small[...]) }
        var big = Self.tcpBytes
        big[12] = 0xF0  // 60 bytes claimed
        #expect(throws: WireError.truncated) { try TCPHeader(big[...]) }
    }

    @Test func udp() throws {
        let bytes = hex("14 e9 00 35 00 0b ab cd 61 62 63")
        for udp in [try UDPHeader(bytes[...]), try UDPHeader(offset(bytes))] {
            #expect(udp.sourcePort == 5353 && udp.destinationPort == 53)
            #expect(udp.length == 11 && udp.checksum == 0xABCD)
            #expect(Array(udp.payload) == Array("abc".utf8))
        }
        #expect(throws: WireError.truncated) { try UDPHeader(bytes[0..<7]) }
    }

    @Test func icmp() throws {
        let bytes = hex("08 00 f7 fe 12 34 00 01 70 69 6e 67")
        for icmp in [try ICMPHeader(bytes[...]), try ICMPHeader(offset(bytes))] {
            #expect(icmp.type == 8 && icmp.code == 0)
            #expect(icmp.checksum == 0xF7FE)
            #expect(icmp.identifier == 0x1234 && icmp.sequence == 1)
            #expect(Array(icmp.payload) == Array("ping".utf8))
        }
        #expect(throws: WireError.truncated) { try ICMPHeader(bytes[0..<7]) }
    }

    @Test func arp() throws {
        let bytes = hex(
            "00 01 08 00 06 04 00 02",  // Ethernet, IPv4, 6, 4, reply
            "00 11 22 33 44 55", "c0 00 02 01",  // sender
            "66 77 88 99 aa bb", "c6 33 64 07")  // target
        for arp in [try ARPPacket(bytes[...]), try ARPPacket(offset(bytes))] {
            #expect(arp.hardwareType == 1 && arp.protocolType == 0x0800)
            #expect(arp.hardwareLength == 6 && arp.protocolLength == 4)
            #expect(arp.operation == ARPPacket.reply)
            #expect(arp.senderMAC == MACAddress(0x00, 0x11, 0x22, 0x33, 0x44, 0x55))
            #expect(arp.senderIP == IPv4Address(192, 0, 2, 1))
            #expect(arp.targetMAC == MACAddress(0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB))
            #expect(arp.targetIP == IPv4Address(198, 51, 100, 7))
            #expect(arp.isEthernetIPv4)
        }
        #expect(ARPPacket.request == 1)
        #expect(throws: WireError.truncated) { try ARPPacket(bytes[0..<27]) }
        for (at, value) in [(1, UInt8(6)), (2, 0x86), (4, 8), (5, 16)] {
            var other = bytes
            other[at] = value
            #expect(try !ARPPacket(other[...]).isEthernetIPv4, "byte \(at)")
        }
    }
}
