import Controller
import OpenFlow
import Testing
import Wire

/// The learning switch's table: a map like any other, bounded in size and in probes.
struct MACPortTableTests {
    private static func mac(_ n: Int) -> MACAddress { MACAddress(rawValue: UInt64(n) &* 0x0100_0000_0101 & 0xffff_ffff_ffff) }

    /// Against a Dictionary: random learning, moves and lookups agree, through growth.
    @Test func agreesWithADictionary() {
        var table = MACPortTable(limit: 100_000, seed: 7)
        var reference: [MACAddress: PortNumber] = [:]
        var random = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            let mac = Self.mac(Int.random(in: 0..<5_000, using: &random))
            let port = PortNumber(UInt16.random(in: 1...48, using: &random))
            #expect(table.update(mac, port: port) == reference.updateValue(port, forKey: mac))
        }
        #expect(table.count == reference.count)
        for n in 0..<6_000 { #expect(table[Self.mac(n)] == reference[Self.mac(n)]) }
    }

    /// Address 00:00:00:00:00:00 is an address like the others (empty slots are not it).
    @Test func theZeroAddressIsKept() {
        var table = MACPortTable(limit: 8, seed: 1)
        #expect(table[MACAddress(rawValue: 0)] == nil)
        table.update(MACAddress(rawValue: 0), port: PortNumber(3))
        #expect(table[MACAddress(rawValue: 0)] == PortNumber(3))
    }

    /// At the limit a new address evicts an old one, and the newest is always there. (A
    /// run that fills `maxProbe` slots also takes the place of its home slot's address,
    /// so the count can dip below the limit now and then.)
    @Test func boundedByTheLimit() {
        var table = MACPortTable(limit: 64, seed: 2)
        for n in 1...10_000 {
            table.update(Self.mac(n), port: PortNumber(1))
            #expect(table.count <= 64)
            #expect(table[Self.mac(n)] == PortNumber(1))
        }
        #expect(table.count >= 56)
    }

    /// A port going down forgets exactly its addresses; the rest stay reachable (moved
    /// back into the gaps, not tombstoned).
    @Test func removingAPortKeepsTheOthers() {
        var table = MACPortTable(limit: 10_000, seed: 3)
        for n in 0..<3_000 { table.update(Self.mac(n), port: PortNumber(UInt16(n % 3 + 1))) }
        table.removeAll(onPort: PortNumber(2))
        #expect(table.count == 2_000)
        for n in 0..<3_000 {
            #expect(table[Self.mac(n)] == (n % 3 == 1 ? nil : PortNumber(UInt16(n % 3 + 1))))
        }
    }

    /// Evictions remove from the middle of runs: what is left is still found.
    @Test func evictionsKeepRunsIntact() {
        var table = MACPortTable(limit: 500, seed: 4)
        var present: [MACAddress] = []
        for n in 0..<5_000 {
            table.update(Self.mac(n), port: PortNumber(UInt16(n % 7 + 1)))
            present.append(Self.mac(n))
        }
        let found = present.filter { table[$0] != nil }
        #expect(found.count == table.count)
        #expect(table.count == 500)
    }
}
