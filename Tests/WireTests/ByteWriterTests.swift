import Testing
import Wire
import TestSupport

/// ByteWriter: big-endian writes into a fixed buffer; a write that does not fit throws
/// `bufferTooSmall` and leaves the offset where it was.
struct ByteWriterTests {
    @Test func writesBigEndianFields() throws {
        var storage = [UInt8](repeating: 0xCC, count: 40)
        let written: Int = try storage.withUnsafeMutableBytes { raw in
            var w = ByteWriter(raw)
            try w.u8(0xAB)
            try w.u16(0x1234)
            try w.u32(0xDEAD_BEEF)
            try w.u64(0x0102_0304_0506_0708)
            try w.mac(MACAddress(0x00, 0x11, 0x22, 0x33, 0x44, 0x55))
            try w.ipv4(IPv4Address(192, 168, 0, 1))
            try w.bytes([9, 8])
            try w.bytes(hex("00 07 06 00")[1..<3])
            try w.zeros(3)
            #expect(w.remaining == 40 - w.offset)
            return w.offset
        }
        #expect(written == 32)
        #expect(storage == hex(
            "ab", "12 34", "de ad be ef", "01 02 03 04 05 06 07 08", "00 11 22 33 44 55", "c0 a8 00 01",
            "09 08", "07 06", "00 00 00") + [UInt8](repeating: 0xCC, count: 8))
    }

    @Test func writesPastTheEndThrowAndLeaveTheOffset() {
        var storage = [UInt8](repeating: 0xCC, count: 5)
        storage.withUnsafeMutableBytes { raw in
            var w = ByteWriter(raw, offset: 2)
            #expect(throws: WireError.bufferTooSmall) { try w.u32(1) }
            #expect(throws: WireError.bufferTooSmall) { try w.u64(1) }
            #expect(throws: WireError.bufferTooSmall) { try w.mac(.broadcast) }
            #expect(throws: WireError.bufferTooSmall) { try w.ipv4(.broadcast) }
            #expect(throws: WireError.bufferTooSmall) { try w.bytes([1, 2, 3, 4]) }
            #expect(throws: WireError.bufferTooSmall) { try w.zeros(4) }
            #expect(throws: WireError.bufferTooSmall) { try w.fixedString("x", width: 4) }
            #expect(throws: WireError.bufferTooSmall) { try w.reserve(-1) }
            #expect(w.offset == 2)
            #expect(throws: Never.self) { try w.u16(0xABCD) }
            #expect(throws: WireError.bufferTooSmall) { try w.u16(0) }
            #expect(throws: Never.self) { try w.u8(0xEF) }
            #expect(throws: WireError.bufferTooSmall) { try w.u8(0) }
            #expect(w.offset == 5 && w.remaining == 0)
        }
        // Failed writes wrote nothing.
        #expect(storage == [0xCC, 0xCC, 0xAB, 0xCD, 0xEF])
    }

    @Test func fixedStringPadsLikeStrncpy() throws {
        var storage = [UInt8](repeating: 0xCC, count: 12)
        try storage.withUnsafeMutableBytes { raw in
            var w = ByteWriter(raw)
            try w.fixedString("ab", width: 4)
            try w.fixedString("abcdef", width: 4)  // cut to the field, no NUL (as strncpy)
            try w.fixedString("", width: 4)
        }
        #expect(storage == hex("61 62 00 00", "61 62 63 64", "00 00 00 00"))
    }

    @Test func patchU16OnlyOverWrittenBytes() {
        var storage = [UInt8](repeating: 0, count: 8)
        storage.withUnsafeMutableBytes { raw in
            var w = ByteWriter(raw)
            #expect(throws: Never.self) { try w.u32(0) }
            #expect(throws: Never.self) { try w.patchU16(0x0102, at: 2) }
            #expect(throws: WireError.bufferTooSmall) { try w.patchU16(1, at: 3) }  // runs past what was written
            #expect(throws: WireError.bufferTooSmall) { try w.patchU16(1, at: -1) }
            #expect(w.offset == 4)
        }
        #expect(storage == hex("00 00 01 02 00 00 00 00"))
    }

    @Test func appendWritingRollsBackOnFailure() {
        var output: [UInt8] = [1, 2]
        #expect(throws: Never.self) {
            try output.appendWriting(count: 3) { (w: inout ByteWriter) throws(WireError) in
                try w.u16(0x0304)
                try w.u8(5)
            }
        }
        #expect(output == [1, 2, 3, 4, 5])
        #expect(throws: WireError.bufferTooSmall) {
            try output.appendWriting(count: 2) { (w: inout ByteWriter) throws(WireError) in
                try w.u32(0)
            }
        }
        #expect(output == [1, 2, 3, 4, 5])
    }
}

@Suite struct FixedStringTests {
    /// `text` written into a field of `width` bytes.
    private func field(_ text: String, width: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0xEE, count: width)
        let written: Bool = out.withUnsafeMutableBytes { raw in
            var writer = ByteWriter(raw)
            return (try? writer.fixedString(text, width: width)) != nil
        }
        #expect(written)
        return out
    }

    private func roundTrip(_ bytes: [UInt8]) throws -> [UInt8] {
        var reader = ByteReader(bytes[...], truncated: WireError.truncated)
        return field(try reader.fixedString(bytes.count), width: bytes.count)
    }

    @Test func aFullFieldWithoutNULComesBackWhole() throws {
        let name = Array("abcdefghijklmnop".utf8)
        #expect(try roundTrip(name) == name)
    }

    @Test func aShortNameIsNULPadded() throws {
        let bytes: [UInt8] = Array("eth0".utf8) + [UInt8](repeating: 0, count: 12)
        #expect(try roundTrip(bytes) == bytes)
    }

    @Test func aLongStringIsCutAtACharacterBoundary() {
        // a, b, then two 2-byte characters: the first fits exactly.
        #expect(field("ab\u{E9}\u{E9}", width: 4) == [0x61, 0x62, 0xC3, 0xA9])
        // The 2-byte character after "abc" does not fit: no half of it is written.
        #expect(field("abc\u{E9}", width: 4) == [0x61, 0x62, 0x63, 0x00])
    }
}
