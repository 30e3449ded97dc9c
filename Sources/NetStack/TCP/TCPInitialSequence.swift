import Scheduler
import Wire

/// RFC 6528 initial sequence numbers: ISN = M + F(localip, localport, remoteip,
/// remoteport, secretkey), with M a 4-microsecond timer and F SipHash-2-4 keyed from the
/// layer's seed. Each 4-tuple gets its own unpredictable offset, and successive
/// connections on the same 4-tuple still move forward with the clock.
struct TCPInitialSequence {
    let hasher: SipHash24

    init(seed: UInt64) {
        var state = seed
        hasher = SipHash24(key0: splitMix(&state), key1: splitMix(&state))
    }

    func isn(local: IPv4Address, localPort: UInt16, remote: IPv4Address, remotePort: UInt16, now: Instant) -> TCPSequenceNumber {
        let clock = UInt32(truncatingIfNeeded: now.nanoseconds / 4_000)
        let offset = UInt32(truncatingIfNeeded: hashTuple(local: local, localPort: localPort, remote: remote, remotePort: remotePort))
        return TCPSequenceNumber(offset &+ clock)
    }

    /// The RFC 7323 timestamp offset of a 4-tuple: the hash's other half, as unpredictable
    /// as the ISN's and independent of it.
    func timestampOffset(local: IPv4Address, localPort: UInt16, remote: IPv4Address, remotePort: UInt16) -> UInt32 {
        UInt32(truncatingIfNeeded: hashTuple(local: local, localPort: localPort, remote: remote, remotePort: remotePort) >> 32)
    }

    /// The keyed hash of a 4-tuple (also spreads the connection table's buckets).
    func hashTuple(local: IPv4Address, localPort: UInt16, remote: IPv4Address, remotePort: UInt16) -> UInt64 {
        var words = (local.rawValue, remote.rawValue, UInt32(localPort) << 16 | UInt32(remotePort))
        return withUnsafeBytes(of: &words) { hasher.hash($0) }
    }
}

/// One SplitMix64 step: spreads a seed into independent key words.
func splitMix(_ state: inout UInt64) -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
