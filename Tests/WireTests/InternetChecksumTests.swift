import Testing
import Wire
import TestSupport

/// The Internet checksum against RFC 1071's example and real headers, and RFC 1624's
/// incremental update against full recomputation.
struct InternetChecksumTests {
    @Test func rfc1071Example() {
        // RFC 1071 section 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2.
        let bytes = hex("00 01 f2 03 f4 f5 f6 f7")
        #expect(InternetChecksum.sum(bytes[...]) == 0xDDF2)
        #expect(InternetChecksum.checksum(bytes[...]) == 0x220D)
    }

    @Test func oddLengthPadsWithZero() {
        let bytes = hex("00 01 f2 03 f4 f5 f6")
        #expect(InternetChecksum.sum(bytes[...]) == 0xDCFB)
        #expect(InternetChecksum.checksum(bytes[...]) == InternetChecksum.checksum((bytes + [0])[...]))
        #expect(InternetChecksum.checksum([]) == 0xFFFF)
    }

    @Test(arguments: [
        ("45 00 00 73 00 00 40 00 40 11 b8 61 c0 a8 00 01 c0 a8 00 c7", UInt16(0xB861)),
        ("45 00 00 30 44 22 40 00 80 06 44 2e 8c 7c 19 ac ae 24 1e 2b", 0x442E),
    ])
    func realIPv4Headers(text: String, expected: UInt16) throws {
        var header = hex(text)
        // A correct header verifies to zero...
        #expect(InternetChecksum.checksum(header[...]) == 0)
        #expect(try IPv4Header(header[...]).checksumIsValid)
        // ...and with the field zeroed gives the field's value.
        header[10] = 0
        header[11] = 0
        #expect(InternetChecksum.checksum(header[...]) == expected)
        #expect(try !IPv4Header(header[...]).checksumIsValid)
    }

    @Test func sumsChainThroughInitial() {
        var rng = SplitMix64(seed: propertySeed)
        for _ in 0..<200 {
            let bytes = rng.bytes(rng.int(0...64) * 2)
            let cut = rng.int(0...(bytes.count / 2)) * 2
            let chained = InternetChecksum.checksum(bytes[cut...], initial: InternetChecksum.sum(bytes[..<cut]))
            #expect(chained == InternetChecksum.checksum(bytes[...]))
        }
    }

    @Test func workOnOffsetSlices() {
        let bytes = hex("ff", "00 01 f2 03 f4 f5 f6 f7", "ff")
        #expect(InternetChecksum.checksum(bytes[1..<9]) == 0x220D)
    }

    @Test func pseudoHeaderOfAKnownUDPDatagram() {
        // 10.0.0.1 -> 10.0.0.2 UDP, 12 bytes: pseudo-header words
        // 0a00 0001 0a00 0002 0011 000c
        let sum = InternetChecksum.pseudoHeaderSum(
            source: IPv4Address(10, 0, 0, 1), destination: IPv4Address(10, 0, 0, 2), protocol: 17, length: 12)
        #expect(sum == 0x0A00 + 0x0001 + 0x0A00 + 0x0002 + 0x0011 + 0x000C)
        let datagram = hex("30 39 00 35 00 0c 00 00 61 62 63 64")  // 12345 -> 53, "abcd"
        let checksum = InternetChecksum.checksum(datagram[...], initial: sum)
        var filled = datagram
        filled[6] = UInt8(checksum >> 8)
        filled[7] = UInt8(checksum & 0xFF)
        #expect(InternetChecksum.checksum(filled[...], initial: sum) == 0)
        #expect(InternetChecksum.fold(0x1_FFFF_FFFF) == 1)
        #expect(InternetChecksum.fold(0xFFFF) == 0xFFFF)
    }

    /// A random IPv4 header with a correct checksum.
    static func header(_ rng: inout SplitMix64) -> [UInt8] {
        var h = [0x45] + rng.bytes(19)
        h[10] = 0
        h[11] = 0
        let c = InternetChecksum.checksum(h[...])
        h[10] = UInt8(c >> 8)
        h[11] = UInt8(c & 0xFF)
        return h
    }

    @Test func incrementalUpdateOf16BitFieldsEqualsRecomputation() {
        let seed = propertySeed ^ 0x1624
        var rng = SplitMix64(seed: seed)
        for i in 0..<5000 {
            var h = Self.header(&rng)
            let old = UInt16(h[10]) << 8 | UInt16(h[11])
            // Any word but the checksum: TOS/version, TTL/protocol, ids, addresses.
            let word = rng.pick([0, 1, 2, 3, 4, 6, 7, 8, 9])
            let before = UInt16(h[2 * word]) << 8 | UInt16(h[2 * word + 1])
            let after = rng.bool() ? rng.u16() : before ^ (1 << UInt16(rng.int(0..<16)))
            h[2 * word] = UInt8(after >> 8)
            h[2 * word + 1] = UInt8(after & 0xFF)
            let updated = InternetChecksum.update(old, old: before, new: after)
            h[10] = 0
            h[11] = 0
            #expect(updated == InternetChecksum.checksum(h[...]), "seed \(seed) case \(i)")
            h[10] = UInt8(updated >> 8)
            h[11] = UInt8(updated & 0xFF)
            #expect(InternetChecksum.checksum(h[...]) == 0, "seed \(seed) case \(i)")
        }
    }

    @Test func incrementalUpdateOf32BitAddressesEqualsRecomputation() throws {
        let seed = propertySeed ^ 0x3232
        var rng = SplitMix64(seed: seed)
        for i in 0..<5000 {
            var h = Self.header(&rng)
            let old = UInt16(h[10]) << 8 | UInt16(h[11])
            let at = rng.bool() ? IPv4Header.Offset.source : IPv4Header.Offset.destination
            let ip = try IPv4Header(h[...])
            let before = at == IPv4Header.Offset.source ? ip.source : ip.destination
            let after = IPv4Address(rawValue: rng.u32())
            for k in 0..<4 { h[at + k] = UInt8(truncatingIfNeeded: after.rawValue >> (24 - 8 * UInt32(k))) }
            let updated = InternetChecksum.update(old, old: before.rawValue, new: after.rawValue)
            h[10] = 0
            h[11] = 0
            #expect(updated == InternetChecksum.checksum(h[...]), "seed \(seed) case \(i)")
        }
    }

    /// The word-at-a-time sum over raw memory agrees with the byte-pair sum, for every
    /// length's remainder and with a chained initial value.
    @Test func rawSumMatchesTheSliceSum() {
        var rng = SplitMix64(seed: 0x5157)
        for length in 0..<300 {
            let bytes = rng.bytes(length)
            let initial = UInt32(rng.u16())
            let raw = bytes.withUnsafeBytes { InternetChecksum.sum(raw: $0, initial: initial) }
            #expect(raw == InternetChecksum.sum(bytes[...], initial: initial), "length \(length)")
        }
    }
}

/// The word-at-a-time sum against the plain definition: 16-bit big-endian words, an odd
/// byte padded, on every length and alignment.
struct InternetChecksumReferenceTests {
    private func reference(_ bytes: ArraySlice<UInt8>, initial: UInt32) -> UInt32 {
        var total = UInt64(initial)
        var i = bytes.startIndex
        while i + 1 < bytes.endIndex {
            total += UInt64(bytes[i]) << 8 | UInt64(bytes[i + 1])
            i += 2
        }
        if i < bytes.endIndex { total += UInt64(bytes[i]) << 8 }
        return InternetChecksum.fold(total)
    }

    @Test func matchesTheDefinitionOnEveryLengthAndAlignment() {
        var rng = SplitMix64(seed: propertySeed)
        for length in 0...80 {
            for offset in 0..<8 {
                let bytes = rng.bytes(length + offset + 3)
                let slice = bytes[offset..<offset + length]
                let initial = UInt32(truncatingIfNeeded: rng.next()) & 0x3_FFFF
                #expect(InternetChecksum.sum(slice, initial: initial) == reference(slice, initial: initial))
            }
        }
        for _ in 0..<50 {
            let bytes = rng.bytes(rng.int(1000...70000))
            #expect(InternetChecksum.sum(bytes[...]) == reference(bytes[...], initial: 0))
        }
        let ones = [UInt8](repeating: 0xFF, count: 65535)
        #expect(InternetChecksum.sum(ones[...]) == reference(ones[...], initial: 0))
    }
}
