import OpenFlow
import Scheduler
@testable import Switch
import Testing
import Wire

/// The packed classifier key, the exact-match index and the tuple space, checked
/// against the codec's own `Match` semantics and a linear reference.
struct ClassifierInternalsTests {
    static let frames: [[UInt8]] = [
        Packets.udp(), Packets.udp(vlan: 0x6064), Packets.tcp(tos: 0xB9), Packets.icmpEcho(),
        Packets.arp(src: Packets.host(1), srcIP: Packets.ip(1), dstIP: Packets.ip(2), operation: 2),
        Packets.udpFragment(first: true), Packets.udpFragment(first: false),
        Packets.raw(src: Packets.host(3), dst: .broadcast), Packets.raw(src: Packets.host(3), dst: Packets.host(4), vlan: 7),
        // 802.3 without SNAP, an 802.3 SNAP frame carrying IPv4 type, a cut VLAN tag, a runt.
        Packets.mac(Packets.host(2)) + Packets.mac(Packets.host(1)) + [0x00, 0x26, 0x42, 0x42, 0x03] + [UInt8](repeating: 0, count: 40),
        Packets.mac(Packets.host(2)) + Packets.mac(Packets.host(1)) + [0x00, 0x30, 0xAA, 0xAA, 0x03, 0, 0, 0, 0x08, 0x06] + [UInt8](repeating: 0, count: 40),
        Packets.mac(Packets.host(2)) + Packets.mac(Packets.host(1)) + [0x81, 0x00, 0x00],
        [1, 2, 3],
    ]

    @Test(arguments: frames)
    func keyFromLayoutEqualsKeyFromMatch(frame: [UInt8]) {
        let layout = FrameLayout(frame: frame[...])
        for port in [PortNumber(1), PortNumber(0xFF00), .local] {
            #expect(FlowKey(layout: layout, inPort: port) == FlowKey(Match(layout: layout, inPort: port)))
        }
    }

    @Test(arguments: frames)
    func maskedKeyAgreesWithMatchesForEveryWildcard(frame: [UInt8]) {
        let packet = Match(frame: frame[...], inPort: PortNumber(3))
        let key = FlowKey(packet)
        var random = SplitMix(seed: UInt64(frame.count))
        for _ in 0..<300 {
            var rule = packet
            rule.wildcards = Wildcards(rawValue: UInt32(truncatingIfNeeded: random.next()) & 0x3F_FFFF)
            // Sometimes a field differs from the packet's.
            switch random.next() % 6 {
            case 0: rule.nwSrc = IPv4Address(rawValue: rule.nwSrc.rawValue ^ UInt32(1 << (random.next() % 32)))
            case 1: rule.tpDst &+= 1
            case 2: rule.dlVLAN ^= 1
            case 3: rule.inPort = PortNumber(9)
            default: break
            }
            let canonical = rule.canonical
            let mask = FlowKey(maskFor: canonical.wildcards)
            let value = FlowKey(canonical).masked(by: mask)
            // What a tuple-space subtable does: mask the packet's key, compare with the rule's.
            #expect((key.masked(by: mask) == value) == canonical.matches(packet))
        }
    }

    /// Random wildcard flows over a handful of masks, added and removed at random; after
    /// every change the table's lookup, strict lookup, non-strict selection and overlap
    /// test agree with a scan of every flow (best priority, the older among equals).
    @Test func tupleSpaceAgreesWithALinearScan() throws {
        var random = SplitMix(seed: 2024)
        var table = FlowTable(tableID: 0, capacity: 10_000, seed: 99)
        var live: [(slot: Int, match: Match, priority: UInt16, order: Int)] = []
        var order = 0
        let program = try ActionProgram(validating: [], inPacketOut: false, portExists: { _ in true }, queueExists: { _, _ in true })
        func randomMatch() -> Match {
            var match = Match(
                wildcards: .all.subtracting([.dlType]), dlType: 0x0800,
                nwSrc: IPv4Address(10, 0, UInt8(random.next() % 4), UInt8(random.next() % 4)),
                nwDst: IPv4Address(10, 1, UInt8(random.next() % 4), 0), tpDst: UInt16(random.next() % 3))
            match.wildcards.nwSrcWildcardBits = [0, 8, 16, 32][Int(random.next() % 4)]
            match.wildcards.nwDstWildcardBits = [8, 32][Int(random.next() % 2)]
            if random.next() % 2 == 0 { match.wildcards.remove(.tpDst) }
            if random.next() % 4 == 0 { match.wildcards.remove(.inPort); match.inPort = PortNumber(UInt16(1 + random.next() % 2)) }
            return match.normalized
        }
        for _ in 0..<600 {
            if live.count < 120, random.next() % 3 != 0 {
                let match = randomMatch()
                let priority = UInt16(random.next() % 5)
                guard table.strictSlot(match, priority: priority) == nil else { continue }
                let entry = FlowEntry(
                    match: match, priority: priority, cookie: 0, idleTimeout: 0, hardTimeout: 0, flags: [], actions: [],
                    program: program, created: .zero, lastUsed: .zero)
                order += 1
                live.append((table.insert(entry), match, priority, order))
            } else if !live.isEmpty {
                let victim = live.remove(at: Int(random.next() % UInt64(live.count)))
                table.remove(victim.slot)
            }
            for _ in 0..<8 {
                let packet = randomMatch()
                var exact = packet
                exact.wildcards = []
                let key = FlowKey(exact)
                let expected = live.filter { $0.match.matches(exact) }.min { a, b in
                    a.priority != b.priority ? a.priority > b.priority : a.order < b.order
                }
                #expect(table.find(key) == (expected?.slot ?? -1))
                #expect(table.slots(coveredBy: packet) == live.filter { packet.covers($0.match) }.map(\.slot).sorted())
                let priority = UInt16(random.next() % 5)
                #expect(table.overlaps(packet, priority: priority) == live.contains { $0.priority == priority && $0.match.overlaps(packet) })
            }
            for flow in live.prefix(4) { #expect(table.strictSlot(flow.match, priority: flow.priority) == flow.slot) }
        }
    }

    @Test func exactIndexSurvivesChurnAndGrowth() {
        var index = ExactIndex(seed: 7, capacity: 4)
        var model: [Int: FlowKey] = [:]
        var random = SplitMix(seed: 42)
        func key(_ n: UInt64) -> FlowKey { FlowKey(w0: n, w1: n &* 31, w2: 0, w3: n >> 3, w4: 0) }
        var next: UInt64 = 0
        for step in 0..<5000 {
            if model.count < 300 && (model.isEmpty || random.next() % 3 != 0) {
                let slot = (0..<1000).first { model[$0] == nil }!
                next += 1
                model[slot] = key(next)
                index.insert(key(next), slot: slot)
            } else {
                let slot = model.keys.sorted()[Int(random.next() % UInt64(model.count))]
                let removed = index.remove(model[slot]!)
                #expect(removed)
                model[slot] = nil
            }
            if step % 250 == 0 {
                for (slot, k) in model { #expect(index.find(k) == slot) }
                #expect(index.find(key(999_999)) == -1)
                #expect(index.count == model.count)
            }
        }
    }

    @Test(arguments: [0, 1, 128, 1500])
    func packetInFastEncodingEqualsTheCodecs(size: Int) throws {
        var output = AsyncOutput(limit: 1 << 20)
        let data = ArraySlice((0..<size).map { UInt8(truncatingIfNeeded: $0 * 7) })
        let appended = output.appendPacketIn(bufferID: 0x0102_0304, totalLength: 1600, inPort: PortNumber(0xFFFE), reason: .action, data: data)
        #expect(appended)
        let codec = try OpenFlowMessage(
            xid: 0, .packetIn(PacketIn(bufferID: 0x0102_0304, totalLength: 1600, inPort: .local, reason: .action, data: data))
        ).encoded()
        #expect(Array(output.bytes) == codec)
        var tight = AsyncOutput(limit: 17 + size)
        let refused = !tight.appendPacketIn(bufferID: 1, totalLength: 0, inPort: PortNumber(1), reason: .noMatch, data: data)
        #expect(refused)
        #expect(tight.bytes.isEmpty)
    }

    @Test func rawTransmissionsMatchTheList() throws {
        var dp = Fixture.datapath()
        try dp.install(Fixture.flow(Match(), actions: [.output(port: PortNumber(2)), .setTPDst(7), .output(port: .flood)]))
        dp.receive(frame: Packets.udp()[...], inPort: PortNumber(1), now: .zero)
        var raw: [Sent] = []
        dp.forEachTransmission { port, queue, bytes in raw.append(Sent(port: port.rawValue, frame: Array(bytes), queueID: queue)) }
        #expect(raw == dp.sent)
        #expect(raw.count == 4)
    }
}

/// A small deterministic generator for the property tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
