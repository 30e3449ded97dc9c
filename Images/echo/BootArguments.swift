import Wire

/// The image's settings from the domain's command line (`extra=` in the xl config):
/// `ip=10.0.9.2/24 [gw=10.0.9.1]` for a static address, or `dhcp`. Words are compared
/// as bytes: String comparison would pull Unicode normalization tables into the image.
struct BootArguments {
    var address: IPv4Address?
    var prefixLength = 24
    var gateway: IPv4Address?
    var dhcp = false

    init(_ line: [UInt8]) {
        for word in line.split(separator: UInt8(ascii: " ")) {
            if word.elementsEqual("dhcp".utf8) {
                dhcp = true
            } else if let value = Self.value(of: "ip=", in: word) {
                let parts = value.split(separator: UInt8(ascii: "/"))
                address = IPv4Address(String(decoding: parts[0], as: UTF8.self))
                if parts.count > 1, let prefix = Int(String(decoding: parts[1], as: UTF8.self)), prefix >= 0, prefix <= 32 {
                    prefixLength = prefix
                }
            } else if let value = Self.value(of: "gw=", in: word) {
                gateway = IPv4Address(String(decoding: value, as: UTF8.self))
            }
        }
        if address == nil { dhcp = true }
    }

    private static func value(of key: StaticString, in word: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let prefix = UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        guard word.count > prefix.count, word.prefix(prefix.count).elementsEqual(prefix) else { return nil }
        return word.dropFirst(prefix.count)
    }
}
