import OpenFlow
import Testing
import Wire
import TestSupport

/// Golden bytes for FLOW_MOD: each of the five commands, every flag, and every action
/// type (the 12 standard ones and a vendor action).
struct GoldenFlowModTests {
    @Test func addWithAllFlagsAndEveryAction() {
        let bytes = hex("01 0e 00 d0 00 00 00 1c")  // 72 + 136 bytes of actions = 208
            + Fixture.matchBytes
            + hex(
                "01 02 03 04 05 06 07 08",  // cookie
                "00 00",  // command ADD
                "00 3c",  // idle_timeout 60
                "01 2c",  // hard_timeout 300
                "80 00",  // priority
                "ff ff ff ff",  // buffer_id none
                "ff ff",  // out_port NONE
                "00 07")  // flags SEND_FLOW_REM|CHECK_OVERLAP|EMERG
            + Fixture.everyActionBytes
        let mod = FlowMod(
            match: Fixture.match, cookie: 0x0102_0304_0506_0708, command: .add, idleTimeout: 60,
            hardTimeout: 300, priority: 0x8000, bufferID: BufferID.none, outPort: .none,
            flags: [.sendFlowRemoved, .checkOverlap, .emergency], actions: Fixture.everyAction)
        expectGolden(bytes, OpenFlowMessage(xid: 0x1C, .flowMod(mod)))
    }

    @Test(arguments: [
        (UInt16(1), FlowModCommand.modify, UInt16(0x0001), FlowModFlags.sendFlowRemoved),
        (2, .modifyStrict, 0x0002, .checkOverlap),
        (3, .delete, 0x0000, FlowModFlags()),
        (4, .deleteStrict, 0x0004, .emergency),
    ])
    func otherCommands(raw: UInt16, command: FlowModCommand, rawFlags: UInt16, flags: FlowModFlags) {
        let commandBytes = [UInt8(raw >> 8), UInt8(raw & 0xFF)]
        let flagBytes = [UInt8(rawFlags >> 8), UInt8(rawFlags & 0xFF)]
        let bytes = hex("01 0e 00 50 00 00 01 00")  // 72 + one 8-byte action
            + Fixture.matchAllBytes
            + hex("00 00 00 00 00 00 00 00") + commandBytes
            + hex("00 00", "00 00", "00 01", "00 00 00 2a", "00 02") + flagBytes
            + hex("00 00 00 08 ff fd ff ff")  // OUTPUT CONTROLLER, max_len 65535
        let mod = FlowMod(
            match: Fixture.matchAll, command: command, priority: 1, bufferID: 42, outPort: PortNumber(2),
            flags: flags, actions: [.output(port: .controller, maxLength: 0xFFFF)])
        expectGolden(bytes, OpenFlowMessage(xid: 0x100, .flowMod(mod)))
    }

    @Test func deleteWithoutActions() {
        let bytes = hex("01 0e 00 48 00 00 00 1e") + Fixture.matchAllBytes
            + hex("00 00 00 00 00 00 00 00", "00 03", "00 00", "00 00", "80 00", "ff ff ff ff", "00 02", "00 00")
        let mod = FlowMod(match: Fixture.matchAll, command: .delete, outPort: PortNumber(2))
        expectGolden(bytes, OpenFlowMessage(xid: 0x1E, .flowMod(mod)))
    }

    @Test func vendorActionBodyIsPaddedToEightBytes() throws {
        // A 3-byte vendor body goes out padded to a 16-byte action.
        let mod = FlowMod(match: Fixture.matchAll, command: .add, actions: [.vendor(vendor: 0x2320, body: [1, 2, 3])])
        let encoded = try OpenFlowMessage(xid: 1, .flowMod(mod)).encoded()
        #expect(Array(encoded[72...]) == hex("ff ff 00 10 00 00 23 20 01 02 03 00 00 00 00 00"))
        #expect(Array(encoded[2..<4]) == [0x00, 0x58])
        #expect(Action.vendor(vendor: 1, body: []).wireLength == 8)
        #expect(Action.vendor(vendor: 1, body: [1]).wireLength == 16)
        #expect(Action.vendor(vendor: 1, body: [0, 0, 0, 0, 0, 0, 0, 0]).wireLength == 16)
        // ...and decodes with the padding as part of the body.
        let decoded = try OpenFlowMessage.decode(encoded[...])
        guard case .flowMod(let back) = decoded.message else { Issue.record("not a flow mod"); return }
        #expect(back.actions == [.vendor(vendor: 0x2320, body: [1, 2, 3, 0, 0, 0, 0, 0])])
    }

    @Test func actionTypesAndLengths() {
        let expected: [(Action, UInt16, Int, String)] = [
            (.output(port: .flood), 0, 8, "OFPAT_OUTPUT"),
            (.setVLANVID(1), 1, 8, "OFPAT_SET_VLAN_VID"),
            (.setVLANPCP(1), 2, 8, "OFPAT_SET_VLAN_PCP"),
            (.stripVLAN, 3, 8, "OFPAT_STRIP_VLAN"),
            (.setDLSrc(.zero), 4, 16, "OFPAT_SET_DL_SRC"),
            (.setDLDst(.zero), 5, 16, "OFPAT_SET_DL_DST"),
            (.setNWSrc(.any), 6, 8, "OFPAT_SET_NW_SRC"),
            (.setNWDst(.any), 7, 8, "OFPAT_SET_NW_DST"),
            (.setNWTOS(0), 8, 8, "OFPAT_SET_NW_TOS"),
            (.setTPSrc(0), 9, 8, "OFPAT_SET_TP_SRC"),
            (.setTPDst(0), 10, 8, "OFPAT_SET_TP_DST"),
            (.enqueue(port: .inPort, queueID: 0), 11, 16, "OFPAT_ENQUEUE"),
            (.vendor(vendor: 0, body: []), 0xFFFF, 8, "OFPAT_VENDOR"),
        ]
        for (action, raw, length, name) in expected {
            #expect(action.type.rawValue == raw)
            #expect(action.wireLength == length)
            #expect(action.type.specName == name)
        }
        #expect(ActionType(rawValue: 12).specName == nil)
    }
}
