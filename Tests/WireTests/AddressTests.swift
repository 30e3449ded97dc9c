import Testing
import Wire
import TestSupport

/// MAC and IPv4 addresses: parse, print, and their helpers.
struct AddressTests {
    @Test func macPrintsLowercaseColonSeparated() {
        #expect(MACAddress(0x00, 0x1B, 0x21, 0x0A, 0xBC, 0xEF).description == "00:1b:21:0a:bc:ef")
        #expect(MACAddress.broadcast.description == "ff:ff:ff:ff:ff:ff")
        #expect(MACAddress.zero.description == "00:00:00:00:00:00")
    }

    @Test(arguments: [
        ("00:1b:21:0a:bc:ef", UInt64(0x001B_210A_BCEF)),
        ("00:1B:21:0A:BC:EF", 0x001B_210A_BCEF),
        ("00-1b-21-0a-bc-ef", 0x001B_210A_BCEF),
        ("0:1b:21:a:bc:ef", 0x001B_210A_BCEF),
        ("ff:ff:ff:ff:ff:ff", 0xFFFF_FFFF_FFFF),
    ])
    func macParses(text: String, raw: UInt64) {
        #expect(MACAddress(text) == MACAddress(rawValue: raw))
    }

    @Test(arguments: [
        "", "00:1b:21:0a:bc", "00:1b:21:0a:bc:ef:01", "000:1b:21:0a:bc:ef", "00:1b:21:0a:bc:",
        "00:1b:21:0a:bc:eg", "00::21:0a:bc:ef", "+0:1b:21:0a:bc:ef", "-0:1b:21:0a:bc:ef", " 0:1b:21:0a:bc:ef",
        "00:1b:21:0a:bc:ef ", "001b210abcef",
    ])
    func macRejects(text: String) {
        #expect(MACAddress(text) == nil, "\(text)")
    }

    @Test func macRoundTripsThroughText() {
        var rng = SplitMix64(seed: propertySeed)
        for _ in 0..<500 {
            let mac = MACAddress(rawValue: rng.next())
            #expect(MACAddress(mac.description) == mac)
        }
    }

    @Test func macBytesAndBits() {
        let mac = MACAddress(0x01, 0x00, 0x5E, 0x00, 0x00, 0xFB)
        #expect((0..<6).map { mac[$0] } == [0x01, 0x00, 0x5E, 0x00, 0x00, 0xFB])
        #expect(mac.isMulticast && !mac.isBroadcast)
        #expect(MACAddress.broadcast.isMulticast && MACAddress.broadcast.isBroadcast)
        #expect(!MACAddress(0x02, 0, 0, 0, 0, 1).isMulticast)
        #expect(MACAddress(rawValue: 0xFFFF_0000_0000_0001) == MACAddress(0, 0, 0, 0, 0, 1))
        let bytes = hex("ee 00 11 22 33 44 55")
        #expect(MACAddress(bytes[1...]) == MACAddress(rawValue: 0x0011_2233_4455))
        #expect(MACAddress(1, 0, 0, 0, 0, 0) > MACAddress(0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF))
    }

    @Test func ipv4PrintsDottedQuad() {
        #expect(IPv4Address(192, 168, 0, 1).description == "192.168.0.1")
        #expect(IPv4Address.any.description == "0.0.0.0")
        #expect(IPv4Address.broadcast.description == "255.255.255.255")
        #expect(IPv4Address(rawValue: 0x0A00_00FF).description == "10.0.0.255")
    }

    @Test(arguments: [
        ("10.0.0.1", UInt32(0x0A00_0001)), ("255.255.255.255", 0xFFFF_FFFF), ("0.0.0.0", 0),
        ("192.168.001.010", 0xC0A8_010A),
    ])
    func ipv4Parses(text: String, raw: UInt32) {
        #expect(IPv4Address(text) == IPv4Address(rawValue: raw))
    }

    @Test(arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.0.0.1", "1..2.3", "1.2.3.", ".1.2.3", "a.b.c.d", "1.2.3.4/24",
        "+1.2.3.4", "1.-0.3.4", " 1.2.3.4", "1.2.3.4 ", "0001.2.3.4", "1.2.3.0x4",
    ])
    func ipv4Rejects(text: String) {
        #expect(IPv4Address(text) == nil, "\(text)")
    }

    @Test func ipv4RoundTripsThroughText() {
        var rng = SplitMix64(seed: propertySeed)
        for _ in 0..<500 {
            let ip = IPv4Address(rawValue: rng.u32())
            #expect(IPv4Address(ip.description) == ip)
        }
    }

    @Test func ipv4Masks() {
        #expect(IPv4Address.mask(prefix: 0) == 0)
        #expect(IPv4Address.mask(prefix: -3) == 0)
        #expect(IPv4Address.mask(prefix: 1) == 0x8000_0000)
        #expect(IPv4Address.mask(prefix: 24) == 0xFFFF_FF00)
        #expect(IPv4Address.mask(prefix: 31) == 0xFFFF_FFFE)
        #expect(IPv4Address.mask(prefix: 32) == 0xFFFF_FFFF)
        #expect(IPv4Address.mask(prefix: 40) == 0xFFFF_FFFF)
        #expect(IPv4Address(10, 0, 0, 1) < IPv4Address(10, 0, 1, 0))
    }
}
