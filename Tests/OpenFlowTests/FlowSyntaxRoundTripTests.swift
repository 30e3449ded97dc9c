import OpenFlow
import Testing
import Wire
import TestSupport

/// Text written by the printer parses back to the value it came from.
@Suite struct FlowSyntaxRoundTripTests {
    @Test func matches() throws {
        var rng = SplitMix64(seed: propertySeed)
        for _ in 0..<2000 {
            let match = rng.syntaxMatch()
            let text = match.textForm
            #expect(try FlowSyntax.parseMatch(text) == match.normalized, "seed \(propertySeed): \(text)")
        }
    }

    @Test func actionLists() throws {
        var rng = SplitMix64(seed: propertySeed ^ 1)
        for _ in 0..<2000 {
            let actions = (0..<rng.int(0...6)).map { _ in rng.syntaxAction() }
            let text = actions.textForm
            #expect(try FlowSyntax.parseActions(text) == actions, "seed \(propertySeed ^ 1): \(text)")
        }
    }

    @Test func flows() throws {
        var rng = SplitMix64(seed: propertySeed ^ 2)
        for _ in 0..<1000 {
            let spec = FlowSpec(
                match: rng.syntaxMatch().normalized, priority: rng.bool() ? rng.u16() : nil,
                idleTimeout: rng.bool() ? rng.u16() : nil, hardTimeout: rng.bool() ? rng.u16() : nil,
                cookie: rng.bool() ? rng.u64() : nil, table: rng.pick([nil, 0, 255]),
                actions: (0..<rng.int(0...4)).map { _ in rng.syntaxAction() })
            let text = spec.textForm
            #expect(try FlowSyntax.parseFlow(text) == spec, "seed \(propertySeed ^ 2): \(text)")
        }
    }

    /// The flow inside a printed FLOW_MOD is flow syntax: cut out of the line, it parses
    /// back to the same match, priority and actions.
    @Test func flowModLines() throws {
        var rng = SplitMix64(seed: propertySeed ^ 3)
        for _ in 0..<500 {
            let spec = FlowSpec(
                match: rng.syntaxMatch().normalized, priority: rng.u16(),
                actions: (0..<rng.int(0...4)).map { _ in rng.syntaxAction() })
            let line = OpenFlowMessage(xid: rng.u32(), .flowMod(spec.flowMod(command: .modify))).textForm
            let flow = try #require(line.split(separator: " ", maxSplits: 3).last.map(String.init))
            #expect(try FlowSyntax.parseFlow(flow) == spec, "\(line)")
        }
    }
}

extension SplitMix64 {
    /// A random match the flow syntax can express: prerequisites hold, values are in
    /// range, and nw_src and nw_dst are wildcarded entirely or by a prefix of 1...32
    /// (host bits past the prefix left set, for `normalized` and the parser to clear).
    mutating func syntaxMatch() -> Match {
        var match = Match()
        func take(_ flag: Wildcards) { match.wildcards.remove(flag) }
        if bool() {
            match.inPort = port()
            take(.inPort)
        }
        if bool() {
            match.dlVLAN = bool() ? Match.vlanNone : u16() & 0x0FFF
            take(.dlVLAN)
        }
        if bool() {
            match.dlVLANPCP = u8() & 7
            take(.dlVLANPCP)
        }
        if bool() {
            match.dlSrc = mac()
            take(.dlSrc)
        }
        if bool() {
            match.dlDst = mac()
            take(.dlDst)
        }
        let dlType: UInt16? = pick([nil, 0x0800, 0x0800, 0x0806, u16()])
        guard let dlType else { return match }
        match.dlType = dlType
        take(.dlType)
        let ip = dlType == 0x0800
        guard ip || dlType == 0x0806 else { return match }
        if ip, bool() {
            match.nwTOS = u8() & 0xFC
            take(.nwTOS)
        }
        if bool() {
            match.nwProto = ip ? pick([6, 17, 1, u8()]) : u8()
            take(.nwProto)
        }
        if bool() {
            match.nwSrc = ipv4()
            match.wildcards.nwSrcWildcardBits = 32 - int(1...32)
        }
        if bool() {
            match.nwDst = ipv4()
            match.wildcards.nwDstWildcardBits = 32 - int(1...32)
        }
        let transport = ip && !match.wildcards.contains(.nwProto) && [1, 6, 17].contains(match.nwProto)
        if transport, bool() {
            match.tpSrc = u16()
            take(.tpSrc)
        }
        if transport, bool() {
            match.tpDst = u16()
            take(.tpDst)
        }
        return match
    }

    /// A random action the flow syntax can express: max_len only on output to the
    /// controller (other ports ignore it and the printer leaves it out).
    mutating func syntaxAction() -> Action {
        switch int(0...13) {
        case 0:
            let port = port()
            return .output(port: port, maxLength: port == .controller ? pick([0, 128, 0xFFFF, u16()]) : 0)
        case 1: return .output(port: .controller, maxLength: pick([0xFFFF, u16()]))
        case 2: return .setVLANVID(u16() & 0x0FFF)
        case 3: return .setVLANPCP(u8() & 7)
        case 4: return .stripVLAN
        case 5: return .setDLSrc(mac())
        case 6: return .setDLDst(mac())
        case 7: return .setNWSrc(ipv4())
        case 8: return .setNWDst(ipv4())
        case 9: return .setNWTOS(u8() & 0xFC)
        case 10: return .setTPSrc(u16())
        case 11: return .setTPDst(u16())
        case 12: return .enqueue(port: port(), queueID: u32())
        default: return .vendor(vendor: u32(), body: bytes(upTo: 12)[...])
        }
    }
}
