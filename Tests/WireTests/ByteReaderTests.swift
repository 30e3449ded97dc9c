import Testing
import Wire
import TestSupport

/// ByteReader: big-endian reads, bounds checks that throw the caller's error, and
/// slices of the same storage.
struct ByteReaderTests {
    enum Short: Error, Equatable { case short }

    @Test func readsBigEndianFields() throws(Short) {
        let bytes = hex("ab", "12 34", "de ad be ef", "01 02 03 04 05 06 07 08", "00 11 22 33 44 55", "c0 a8 00 01", "ff ee")
        var r = ByteReader(bytes[...], truncated: Short.short)
        #expect(try r.u8() == 0xAB)
        #expect(try r.u16() == 0x1234)
        #expect(try r.u32() == 0xDEAD_BEEF)
        #expect(try r.u64() == 0x0102_0304_0506_0708)
        #expect(try r.mac() == MACAddress(0x00, 0x11, 0x22, 0x33, 0x44, 0x55))
        #expect(try r.ipv4() == IPv4Address(192, 168, 0, 1))
        #expect(r.consumed == 25 && r.remaining == 2 && !r.isAtEnd)
        #expect(Array(r.rest()) == [0xFF, 0xEE])
        #expect(r.isAtEnd && r.remaining == 0)
        #expect(r.rest().isEmpty)
    }

    @Test func shortReadsThrowTheGivenErrorAndDoNotMove() {
        let bytes = hex("01 02 03")
        var r = ByteReader(bytes[...], truncated: Short.short)
        #expect(throws: Short.short) { try r.u32() }
        #expect(r.consumed == 0)
        #expect(throws: Short.short) { try r.u64() }
        #expect(throws: Short.short) { try r.mac() }
        #expect(throws: Short.short) { try r.ipv4() }
        #expect(throws: Short.short) { try r.bytes(4) }
        #expect(throws: Short.short) { try r.skip(4) }
        #expect(throws: Short.short) { try r.bytes(-1) }
        #expect(throws: Short.short) { try r.skip(-1) }
        #expect(throws: Short.short) { try r.fixedString(4) }
        #expect(r.consumed == 0)
        #expect(throws: Never.self) { try r.u16() }
        #expect(throws: Short.short) { try r.u16() }
        #expect(r.consumed == 2)
        #expect(throws: Never.self) { try r.u8() }
        #expect(throws: Short.short) { try r.u8() }
        #expect(r.isAtEnd)
    }

    @Test func worksOnASliceThatDoesNotStartAtZero() throws(Short) {
        let storage = hex("ff ff ff", "00 2a", "01 02 03", "ff")
        var r = ByteReader(storage[3..<8], truncated: Short.short)
        #expect(r.index == 3)
        #expect(try r.u16() == 42)
        let sub = try r.bytes(3)
        #expect(sub.startIndex == 5 && Array(sub) == [1, 2, 3])
        #expect(r.isAtEnd)
        #expect(throws: Short.short) { try r.u8() }
    }

    @Test func uint64AcrossItsHalvesIsAllOrNothing() throws(Short) {
        // Five bytes: the first half would fit, the whole does not.
        let bytes = hex("01 02 03 04 05")
        var r = ByteReader(bytes[...], truncated: Short.short)
        #expect(throws: Short.short) { try r.u64() }
        #expect(r.consumed == 0)
        #expect(try r.u32() == 0x0102_0304)
    }

    @Test func fixedStringStopsAtTheFirstNUL() throws(Short) {
        let bytes = hex("65 74 68 30 00 41 41 41", "61 62 63 64", "")
        var r = ByteReader(bytes[...], truncated: Short.short)
        #expect(try r.fixedString(8) == "eth0")
        #expect(r.consumed == 8)
        #expect(try r.fixedString(4) == "abcd")  // no NUL at all
    }
}
