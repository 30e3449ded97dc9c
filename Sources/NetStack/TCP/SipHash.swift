/// SipHash-2-4 (Aumasson and Bernstein): a keyed hash that an observer cannot invert
/// or steer without the key. Used for initial sequence numbers and the connection
/// table, so an attacker can neither predict ISNs nor aim collisions at one bucket.
struct SipHash24 {
    var key0: UInt64
    var key1: UInt64

    /// The 64-bit hash of `bytes`.
    func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var v0: UInt64 = 0x736f_6d65_7073_6575 ^ key0
        var v1: UInt64 = 0x646f_7261_6e64_6f6d ^ key1
        var v2: UInt64 = 0x6c79_6765_6e65_7261 ^ key0
        var v3: UInt64 = 0x7465_6462_7974_6573 ^ key1

        func round(_ v0: inout UInt64, _ v1: inout UInt64, _ v2: inout UInt64, _ v3: inout UInt64) {
            v0 &+= v1; v1 = rotate(v1, 13); v1 ^= v0; v0 = rotate(v0, 32)
            v2 &+= v3; v3 = rotate(v3, 16); v3 ^= v2
            v0 &+= v3; v3 = rotate(v3, 21); v3 ^= v0
            v2 &+= v1; v1 = rotate(v1, 17); v1 ^= v2; v2 = rotate(v2, 32)
        }

        let count = bytes.count
        let whole = count & ~7
        var i = 0
        while i < whole {
            let m = word(bytes, from: i, count: 8)
            v3 ^= m
            round(&v0, &v1, &v2, &v3)
            round(&v0, &v1, &v2, &v3)
            v0 ^= m
            i &+= 8
        }
        let last = word(bytes, from: whole, count: count &- whole) | UInt64(truncatingIfNeeded: count) << 56
        v3 ^= last
        round(&v0, &v1, &v2, &v3)
        round(&v0, &v1, &v2, &v3)
        v0 ^= last
        v2 ^= 0xFF
        for _ in 0..<4 { round(&v0, &v1, &v2, &v3) }
        return v0 ^ v1 ^ v2 ^ v3
    }

    private func rotate(_ x: UInt64, _ b: UInt64) -> UInt64 { x << b | x >> (64 &- b) }

    /// Up to 8 bytes as a little-endian word.
    private func word(_ bytes: UnsafeRawBufferPointer, from start: Int, count: Int) -> UInt64 {
        var value: UInt64 = 0
        var k = 0
        while k < count {
            value |= UInt64(bytes[start &+ k]) << UInt64(8 &* k)
            k &+= 1
        }
        return value
    }
}
