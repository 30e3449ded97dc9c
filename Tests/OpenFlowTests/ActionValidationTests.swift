import OpenFlow
import Testing
import TestSupport

/// Bad actions: unknown type, bad length, out-of-range arguments, in each of the three
/// places an action list sits (FLOW_MOD, PACKET_OUT, flow stats entries).
struct ActionValidationTests {
    /// The action bytes inside each carrier message.
    static let carriers: [(name: String, wrap: @Sendable ([UInt8]) -> [UInt8])] = [
        ("flow_mod", { actions in
            withLength(
                hex("01 0e 00 00 00 00 00 01") + Fixture.matchAllBytes
                    + hex("00 00 00 00 00 00 00 00 00 00 00 00 00 00 80 00 ff ff ff ff ff ff 00 00") + actions)
        }),
        ("packet_out", { actions in
            withLength(
                hex("01 0d 00 00 00 00 00 01", "ff ff ff ff", "ff ff")
                    + [UInt8(actions.count >> 8), UInt8(actions.count & 0xFF)] + actions + hex("aa bb"))
        }),
        ("flow stats entry", { actions in
            let entryLength = 88 + actions.count
            return withLength(
                hex("01 11 00 00 00 00 00 01", "00 01 00 00")
                    + [UInt8(entryLength >> 8), UInt8(entryLength & 0xFF), 0, 0] + Fixture.matchAllBytes
                    + zeros(44) + actions)
        }),
    ]

    static let output = hex("00 00 00 08 00 01 00 00")

    func expectRejected(
        _ actions: [UInt8], _ error: OpenFlowError, type: UInt16, code: UInt16,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for carrier in Self.carriers {
            // Alone, and after a good action.
            expectDecodeError(carrier.wrap(actions), error, type: type, code: code, sourceLocation: sourceLocation)
            expectDecodeError(carrier.wrap(Self.output + actions), error, type: type, code: code, sourceLocation: sourceLocation)
        }
    }

    @Test func carriersAcceptGoodActions() throws {
        for carrier in Self.carriers {
            let message = try OpenFlowMessage.decode(carrier.wrap(Self.output + Fixture.everyActionBytes)[...])
            let actions: [Action]
            switch message.message {
            case .flowMod(let m): actions = m.actions
            case .packetOut(let m): actions = m.actions
            case .statsReply(let r):
                guard case .flow(let entries) = r.body, entries.count == 1 else { Issue.record("\(carrier.name)"); continue }
                actions = entries[0].actions
            default: Issue.record("\(carrier.name)"); continue
            }
            #expect(actions == [.output(port: PortNumber(1))] + Fixture.everyAction, "\(carrier.name)")
        }
    }

    @Test(arguments: [UInt16(12), 13, 0x00FF, 0x8000, 0xFFFE])
    func unknownType(raw: UInt16) {
        expectRejected(
            [UInt8(raw >> 8), UInt8(raw & 0xFF)] + hex("00 08 00 00 00 00"), .badActionType(raw),
            type: OFPET_BAD_ACTION, code: OFPBAC_BAD_TYPE)
        expectRejected(
            [UInt8(raw >> 8), UInt8(raw & 0xFF)] + hex("00 10 00 00 00 00 00 00 00 00 00 00 00 00"),
            .badActionType(raw), type: OFPET_BAD_ACTION, code: OFPBAC_BAD_TYPE)
    }

    @Test func lengthNotAMultipleOfEight() {
        expectRejected(
            hex("00 00 00 0c 00 01 00 00 00 00 00 00"), .badActionLength(12), type: OFPET_BAD_ACTION, code: OFPBAC_BAD_LEN)
        expectRejected(
            hex("ff ff 00 0c 00 00 23 20 00 00 00 00"), .badActionLength(12), type: OFPET_BAD_ACTION, code: OFPBAC_BAD_LEN)
    }

    @Test func lengthZeroOrBelowEight() {
        expectRejected(hex("00 00 00 00 00 01 00 00"), .badActionLength(0), type: OFPET_BAD_ACTION, code: OFPBAC_BAD_LEN)
        expectRejected(hex("00 00 00 04 00 01 00 00"), .badActionLength(4), type: OFPET_BAD_ACTION, code: OFPBAC_BAD_LEN)
        expectRejected(hex("ff ff 00 04 00 00 23 20"), .badActionLength(4), type: OFPET_BAD_ACTION, code: OFPBAC_BAD_LEN)
    }

    @Test func lengthOverrunningTheList() {
        // SET_DL_SRC says 16, 12 bytes follow.
        expectRejected(
            hex("00 04 00 10 0a 0b 0c 0d 0e 0f 00 00"), .badActionLength(16), type: OFPET_BAD_ACTION, code: OFPBAC_BAD_LEN)
        // OUTPUT says 8, then the list ends inside it.
        expectRejected(hex("00 00 00 08"), .badActionLength(8), type: OFPET_BAD_ACTION, code: OFPBAC_BAD_LEN)
        expectRejected(hex("ff ff ff f8 00 00 23 20"), .badActionLength(0xFFF8), type: OFPET_BAD_ACTION, code: OFPBAC_BAD_LEN)
        // Fewer than 4 bytes left: not even a type and length.
        expectRejected(hex("00 00"), .badActionLength(2), type: OFPET_BAD_ACTION, code: OFPBAC_BAD_LEN)
    }

    @Test func lengthWrongForTheType() {
        let cases: [([UInt8], UInt16)] = [
            (hex("00 00 00 10 00 01 00 00 00 00 00 00 00 00 00 00"), 16),  // OUTPUT is 8
            (hex("00 01 00 10 00 01 00 00 00 00 00 00 00 00 00 00"), 16),  // SET_VLAN_VID is 8
            (hex("00 03 00 10 00 00 00 00 00 00 00 00 00 00 00 00"), 16),  // STRIP_VLAN is 8
            (hex("00 04 00 08 0a 0b 0c 0d"), 8),  // SET_DL_SRC is 16
            (hex("00 05 00 18 0a 0b 0c 0d 0e 0f 00 00 00 00 00 00 00 00 00 00 00 00 00 00"), 24),  // SET_DL_DST is 16
            (hex("00 06 00 10 0a 00 00 01 00 00 00 00 00 00 00 00"), 16),  // SET_NW_SRC is 8
            (hex("00 0a 00 10 00 50 00 00 00 00 00 00 00 00 00 00"), 16),  // SET_TP_DST is 8
            (hex("00 0b 00 08 00 01 00 00"), 8),  // ENQUEUE is 16
        ]
        for (bytes, length) in cases {
            expectRejected(bytes, .badActionLength(length), type: OFPET_BAD_ACTION, code: OFPBAC_BAD_LEN)
        }
    }

    @Test(arguments: [UInt16(0x1000), 0x8001, 0xFFFF])
    func vlanIDAbove4095(vid: UInt16) {
        expectRejected(
            hex("00 01 00 08") + [UInt8(vid >> 8), UInt8(vid & 0xFF)] + hex("00 00"), .badActionArgument(1),
            type: OFPET_BAD_ACTION, code: OFPBAC_BAD_ARGUMENT)
    }

    @Test(arguments: [UInt8(8), 0x10, 0xFF])
    func vlanPCPAbove7(pcp: UInt8) {
        expectRejected(
            hex("00 02 00 08") + [pcp] + hex("00 00 00"), .badActionArgument(2), type: OFPET_BAD_ACTION, code: OFPBAC_BAD_ARGUMENT)
    }

    @Test(arguments: [UInt8(0x01), 0x02, 0x03, 0xB9, 0xFF])
    func tosWithLowBits(tos: UInt8) {
        expectRejected(
            hex("00 08 00 08") + [tos] + hex("00 00 00"), .badActionArgument(8), type: OFPET_BAD_ACTION, code: OFPBAC_BAD_ARGUMENT)
    }

    @Test func argumentLimitsThemselvesAreAccepted() throws {
        let actions = hex("00 01 00 08 0f ff 00 00", "00 02 00 08 07 00 00 00", "00 08 00 08 fc 00 00 00")
        let message = try OpenFlowMessage.decode(Self.carriers[0].wrap(actions)[...])
        guard case .flowMod(let mod) = message.message else { Issue.record("not a flow mod"); return }
        #expect(mod.actions == [.setVLANVID(4095), .setVLANPCP(7), .setNWTOS(0xFC)])
    }
}
