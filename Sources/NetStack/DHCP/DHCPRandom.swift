/// SplitMix64 over the client's seed: transaction ids and retransmission jitter.
/// RFC 2131 asks only that they differ between clients, not that they be secret.
struct DHCPRandom {
    private var state: UInt64

    /// The MAC is mixed in so clients handed the same seed still choose different xids.
    init(seed: UInt64, salt: UInt64) {
        state = seed ^ (salt &* 0x9E37_79B9_7F4A_7C15)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func xid() -> UInt32 { UInt32(truncatingIfNeeded: next()) }

    /// Whole milliseconds in 0...limit.
    mutating func milliseconds(upTo limit: UInt64) -> UInt64 { next() % (limit &+ 1) }
}
