import Scheduler
import Wire

/// SYN cookies (RFC 4987 section 3.6, the layout Linux and Bernstein use): when a
/// listener's backlog is full, the SYN-ACK's ISN carries the connection's state instead
/// of a slot, and the returning ACK brings it back. The 32 bits are a 5-bit counter of
/// 64-second periods, a 3-bit index into `mssTable`, and 24 bits of a SipHash MAC over
/// the 4-tuple, the client's ISN, the full counter and the index, so a cookie cannot be
/// forged, replayed past two periods, or given another MSS.
///
/// Window scale, SACK-permitted and timestamps cannot ride in the cookie (Linux carries
/// them in the TSval; this layer does not), so a connection opened from a cookie has none.
struct TCPSynCookie {
    /// The peer MSS values a cookie can name; the largest not above the peer's is used.
    static let mssTable = [536, 1220, 1300, 1360, 1400, 1440, 1460, 8960]
    /// The counter ticks every 2^6 seconds.
    static let periodShift: UInt64 = 6

    let hasher: SipHash24

    init(seed: UInt64) {
        var state = seed ^ 0x5359_4E43_4F4F_4B49
        hasher = SipHash24(key0: splitMix(&state), key1: splitMix(&state))
    }

    static func counter(at now: Instant) -> UInt64 { (now.nanoseconds / 1_000_000_000) >> periodShift }

    /// The ISN for a SYN-ACK answering `clientSequence`, for a peer that may receive
    /// segments of `mss` bytes.
    func make(
        local: IPv4Address, localPort: UInt16, remote: IPv4Address, remotePort: UInt16,
        clientSequence: TCPSequenceNumber, mss: Int, now: Instant
    ) -> TCPSequenceNumber {
        let counter = Self.counter(at: now)
        var index = 0
        while index + 1 < Self.mssTable.count, Self.mssTable[index + 1] <= mss { index += 1 }
        let mac = self.mac(
            local: local, localPort: localPort, remote: remote, remotePort: remotePort,
            clientSequence: clientSequence, counter: counter, index: index)
        return TCPSequenceNumber(UInt32(truncatingIfNeeded: counter & 31) << 27 | UInt32(index) << 24 | mac)
    }

    /// The peer's MSS if `cookie` is one we made this period or the one before for this
    /// 4-tuple and client ISN; nil otherwise.
    func check(
        _ cookie: TCPSequenceNumber, local: IPv4Address, localPort: UInt16, remote: IPv4Address, remotePort: UInt16,
        clientSequence: TCPSequenceNumber, now: Instant
    ) -> Int? {
        let current = Self.counter(at: now)
        let bits = UInt64(cookie.rawValue >> 27)
        let counter: UInt64
        if bits == current & 31 {
            counter = current
        } else if current > 0, bits == (current &- 1) & 31 {
            counter = current &- 1
        } else {
            return nil
        }
        let index = Int(cookie.rawValue >> 24 & 7)
        let expected = mac(
            local: local, localPort: localPort, remote: remote, remotePort: remotePort,
            clientSequence: clientSequence, counter: counter, index: index)
        guard cookie.rawValue & 0xFF_FFFF == expected else { return nil }
        return Self.mssTable[index]
    }

    private func mac(
        local: IPv4Address, localPort: UInt16, remote: IPv4Address, remotePort: UInt16,
        clientSequence: TCPSequenceNumber, counter: UInt64, index: Int
    ) -> UInt32 {
        var words = (
            local.rawValue, remote.rawValue, UInt32(localPort) << 16 | UInt32(remotePort), clientSequence.rawValue,
            counter << 3 | UInt64(index))
        let hash = withUnsafeBytes(of: &words) { hasher.hash($0) }
        return UInt32(truncatingIfNeeded: hash) & 0xFF_FFFF
    }
}
