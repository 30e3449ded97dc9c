import OpenFlow

/// The text ofdump adds around `OpenFlowMessage.textForm`: the offending bytes.
enum DumpText {
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
