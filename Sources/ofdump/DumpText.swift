import OpenFlow

/// The text ofdump adds around `OpenFlowMessage.textForm`: what a decoding error was
/// about, and the offending bytes.
enum DumpText {
    /// What was wrong, beyond the spec's error constants.
    static func detail(_ error: OpenFlowError) -> String {
        switch error {
        case .badHeaderLength(let length): "header length " + String(length)
        case .badVersion(let version): "version 0x" + String(version, radix: 16)
        case .badType(let type): "type " + String(type.rawValue)
        case .badLength(let type): "length does not fit " + typeName(type)
        case .badStatsType(let type): "stats type " + String(type)
        case .badActionType(let type): "action type " + String(type)
        case .badActionLength(let length): "action length " + String(length)
        case .badActionArgument(let type): "argument of action type " + String(type)
        case .badFlowModCommand(let command): "flow_mod command " + String(command)
        case .bufferTooSmall: "buffer too small"
        }
    }

    static func typeName(_ type: MessageType) -> String {
        type.specName ?? "type=" + String(type.rawValue)
    }

    /// Bytes as space-separated lowercase hex pairs.
    static func hex(_ bytes: ArraySlice<UInt8>) -> String {
        var text = ""
        text.reserveCapacity(bytes.count * 3)
        for byte in bytes {
            if !text.isEmpty { text += " " }
            if byte < 0x10 { text += "0" }
            text += String(byte, radix: 16)
        }
        return text
    }
}
