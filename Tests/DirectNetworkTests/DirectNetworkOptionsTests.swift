import DirectNetwork
import Testing
import Wire

/// The `--net`, `--ip`, `--gateway`, `--dhcp` and `--mac` flags that ofnet,
/// ofcontroller and ofswitch share: what they accept and the one line each refusal says.
struct DirectNetworkOptionsTests {
    @Test func devices() {
        #expect(NetworkSpec(parsing: "tap:of0") == .tap("of0"))
        #expect(NetworkSpec(parsing: "af-packet:eth1") == .afPacket("eth1"))
        #expect(NetworkSpec(parsing: "pcap:veth9") == .pcap("veth9"))
        for bad in ["tap", "tap:", "eth0", "tun:x", "tap:a/b", "tap:sixteencharsxxxx"] {
            #expect(NetworkSpec(parsing: bad) == nil, "\(bad)")
        }
        #expect(NetworkSpec.tap("of0").description == "tap:of0")
    }

    @Test func addresses() {
        #expect(InterfaceAddress(parsing: "10.0.0.2/24")?.address == IPv4Address(10, 0, 0, 2))
        #expect(InterfaceAddress(parsing: "10.0.0.2/24")?.prefixLength == 24)
        for bad in ["10.0.0.2", "10.0.0.2/0", "10.0.0.2/33", "0.0.0.0/8", "10.0.0/24", "x/24", "10.0.0.2/24/1"] {
            #expect(InterfaceAddress(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func flagsTogether() throws {
        let options = try DirectNetworkOptions.parse(
            net: "tap:of0", ip: "10.0.0.2/24", gateway: "10.0.0.1", dhcp: false, mac: "02:00:00:00:00:01"
        ).get()
        #expect(options.spec == .tap("of0"))
        #expect(options.gateway == IPv4Address(10, 0, 0, 1))
        #expect(options.mac == MACAddress(rawValue: 0x02_00_00_00_00_01))
        let dhcp = try DirectNetworkOptions.parse(net: "pcap:eth0", ip: nil, gateway: nil, dhcp: true, mac: nil).get()
        #expect(dhcp.address == nil)
    }

    @Test(arguments: [
        ("bogus", "10.0.0.2/24", nil, false, nil, "--net takes tap:NAME, af-packet:IFACE or pcap:IFACE, got 'bogus'"),
        ("tap:of0", nil, nil, false, nil, "--net needs either --ip ADDRESS/PREFIX or --dhcp"),
        ("tap:of0", "10.0.0.2/24", nil, true, nil, "--net needs either --ip ADDRESS/PREFIX or --dhcp"),
        ("tap:of0", "10.0.0.2", nil, false, nil, "--ip takes ADDRESS/PREFIX (e.g. 10.0.0.2/24), got '10.0.0.2'"),
        ("tap:of0", "10.0.0.2/24", "gw", false, nil, "--gateway takes an IPv4 address, got 'gw'"),
        ("tap:of0", "10.0.0.2/24", nil, false, "01:00:5e:00:00:01", "--mac takes a unicast MAC address (02:00:00:00:00:01), got '01:00:5e:00:00:01'"),
    ] as [(String, String?, String?, Bool, String?, String)])
    func refusals(net: String, ip: String?, gateway: String?, dhcp: Bool, mac: String?, message: String) {
        guard case .failure(let error) = DirectNetworkOptions.parse(net: net, ip: ip, gateway: gateway, dhcp: dhcp, mac: mac) else {
            Issue.record("accepted \(net) \(ip ?? "-")")
            return
        }
        #expect(error.message == message)
    }

    @Test func ourMACIsLocallyAdministeredUnicast() {
        for seed in [0, 1, UInt64.max, 0x0100_0000_0000] as [UInt64] {
            let mac = MACAddress.locallyAdministered(seed: seed)
            #expect(!mac.isMulticast)
            #expect(mac.rawValue & 0x0200_0000_0000 != 0)
        }
    }
}
