/// cbench's rule for what answers a probe: every PACKET_OUT except one carrying LLDP
/// (topology discovery, not an answer), and every FLOW_MOD whose command is ADD or
/// MODIFY_STRICT. It peeks at the few fields it needs instead of decoding.
///
/// One divergence, on purpose: cbench means to look past an 802.1Q tag for LLDP too,
/// but its pointer arithmetic lands elsewhere, so it counts a tagged LLDP packet_out.
/// Here a tagged one is skipped like an untagged one.
enum ResponseRule {
    // The codes as literals (MessageType.packetOut, .flowMod; FlowModCommand.add,
    // .modifyStrict; EtherType.vlan, .lldp): the named constants live in other modules,
    // and reading them costs a call per message here.
    private static let packetOut: UInt8 = 13
    private static let flowMod: UInt8 = 14
    private static let add: UInt16 = 0
    private static let modifyStrict: UInt16 = 2
    private static let vlan: UInt16 = 0x8100
    private static let lldp: UInt16 = 0x88CC

    /// Whether `message` is of a type that can answer a probe (PACKET_OUT, FLOW_MOD).
    static func mayCount(_ message: UnsafeRawBufferPointer) -> Bool {
        message[1] == packetOut || message[1] == flowMod
    }

    /// `message` is one whole message.
    static func counts(_ message: UnsafeRawBufferPointer) -> Bool {
        if message[1] == packetOut { return !carriesLLDP(message) }
        guard message[1] == flowMod, message.count >= 58 else { return false }
        // ofp_flow_mod: header (8), match (40), cookie (8), then the command.
        let command = u16(message, 56)
        return command == add || command == modifyStrict
    }

    /// ofp_packet_out: header (8), buffer_id (4), in_port (2), actions_len (2), actions,
    /// then the frame, whose EtherType may follow one 802.1Q tag.
    private static func carriesLLDP(_ message: UnsafeRawBufferPointer) -> Bool {
        guard message.count >= 16 else { return false }
        let frame = 16 + Int(u16(message, 14))
        guard frame + 14 <= message.count else { return false }
        var etherType = u16(message, frame + 12)
        if etherType == vlan, frame + 18 <= message.count {
            etherType = u16(message, frame + 16)
        }
        return etherType == lldp
    }

    private static func u16(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }
}
