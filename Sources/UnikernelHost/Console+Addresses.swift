import Wire

extension Console {
    /// A dotted quad, without building the String `description` would.
    public static func write(_ address: IPv4Address) {
        for shift in stride(from: 24, through: 0, by: -8) {
            write(UInt64(address.rawValue >> UInt32(shift) & 0xff))
            if shift > 0 { write(".") }
        }
    }
}
