import Controller

extension DatapathID {
    /// A datapath id as operators write it: hex, as ovs-ofctl prints it
    /// (`0000000000000001`), with or without colons or `0x`; nil for anything else.
    init?(parsing text: String) {
        var digits = text.filter { $0 != ":" }
        if digits.hasPrefix("0x") { digits.removeFirst(2) }
        guard !digits.isEmpty, digits.count <= 16, let value = UInt64(digits, radix: 16) else { return nil }
        self.init(value)
    }
}
