import Capture
import Testing

/// pcapng files built block by block: section, interfaces, packets, skipped blocks.
struct PcapngReaderTests {
    /// One block in little- or big-endian order, padded, with its trailing length.
    static func block(_ type: UInt32, _ body: [UInt8], littleEndian: Bool = true) -> [UInt8] {
        var padded = body
        while padded.count % 4 != 0 { padded.append(0) }
        let length = UInt32(12 + padded.count)
        return u32(type, littleEndian) + u32(length, littleEndian) + padded + u32(length, littleEndian)
    }

    static func u32(_ value: UInt32, _ littleEndian: Bool) -> [UInt8] {
        let bytes = [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
        return littleEndian ? bytes.reversed() : bytes
    }

    static func u16(_ value: UInt16, _ littleEndian: Bool) -> [UInt8] {
        let bytes = [UInt8(value >> 8), UInt8(value & 0xFF)]
        return littleEndian ? bytes.reversed() : bytes
    }

    static func section(_ le: Bool) -> [UInt8] {
        block(0x0A0D_0D0A, u32(0x1A2B_3C4D, le) + u16(1, le) + u16(0, le) + Array(repeating: 0xFF, count: 8), littleEndian: le)
    }

    static func interface(_ linkType: UInt16, resolution: UInt8? = nil, _ le: Bool) -> [UInt8] {
        var body = u16(linkType, le) + u16(0, le) + u32(0, le)
        if let resolution { body += u16(9, le) + u16(1, le) + [resolution, 0, 0, 0] + u16(0, le) + u16(0, le) }
        return block(1, body, littleEndian: le)
    }

    static func enhanced(interface: UInt32, units: UInt64, _ data: [UInt8], original: UInt32? = nil, _ le: Bool) -> [UInt8] {
        let body = u32(interface, le) + u32(UInt32(units >> 32), le) + u32(UInt32(units & 0xFFFF_FFFF), le)
            + u32(UInt32(data.count), le) + u32(original ?? UInt32(data.count), le) + data
        return block(6, body, littleEndian: le)
    }

    @Test(arguments: [true, false])
    func enhancedPacketsWithResolutions(littleEndian le: Bool) throws {
        let file = Self.section(le)
            + Self.interface(1, le)
            + Self.interface(113, resolution: 9, le)
            + Self.block(4, [1, 2, 3, 4], littleEndian: le)  // name resolution: skipped
            + Self.enhanced(interface: 0, units: 1_500_000_250_000, [0xAA, 0xBB, 0xCC], le)
            + Self.enhanced(interface: 1, units: 7_000_000_005, [0x01], original: 90, le)
        let records = try PcapReaderTests.readAll(file)
        #expect(records.count == 2)
        #expect(records[0].linkType == .ethernet)
        #expect(Array(records[0].data) == [0xAA, 0xBB, 0xCC])
        #expect(records[0].timestamp == CaptureTimestamp(seconds: 1_500_000, nanoseconds: 250_000_000))
        #expect(records[1].linkType == .linuxSLL)
        #expect(records[1].timestamp == CaptureTimestamp(seconds: 7, nanoseconds: 5))
        #expect(records[1].originalLength == 90)
    }

    @Test func binaryResolution() throws {
        // 2^-10 s units: 3.5 s is 3584 units.
        let file = Self.section(true) + Self.interface(1, resolution: 0x8A, true)
            + Self.enhanced(interface: 0, units: 3584, [], true)
        let record = try #require(try PcapReaderTests.readAll(file).first)
        #expect(record.timestamp == CaptureTimestamp(seconds: 3, nanoseconds: 500_000_000))
    }

    @Test func simplePacketBlockUsesInterfaceZero() throws {
        let file = Self.section(true) + Self.interface(101, true)
            + Self.block(3, Self.u32(5, true) + [0x45, 1, 2, 3, 4], littleEndian: true)
        let record = try #require(try PcapReaderTests.readAll(file).first)
        #expect(record.linkType == .raw)
        #expect(Array(record.data) == [0x45, 1, 2, 3, 4])
    }

    @Test func corruptBlocksAreTypedErrors() {
        let head = Self.section(true) + Self.interface(1, true)
        let packet = Self.enhanced(interface: 0, units: 0, [1, 2, 3, 4], true)
        #expect(throws: CaptureError.unknownInterface(offset: head.count, id: 3)) {
            try PcapReaderTests.readAll(head + Self.enhanced(interface: 3, units: 0, [], true))
        }
        #expect(throws: CaptureError.truncatedRecord(offset: head.count)) {
            try PcapReaderTests.readAll(head + packet.dropLast(4))
        }
        var badTrailer = packet
        badTrailer[badTrailer.count - 4] ^= 0x40
        #expect(throws: CaptureError.malformedBlock(offset: head.count)) {
            try PcapReaderTests.readAll(head + badTrailer)
        }
        var badOrder = Self.section(true)
        badOrder[8] = 0
        #expect(throws: CaptureError.malformedBlock(offset: 0)) { try PcapReaderTests.readAll(badOrder) }
    }

    @Test func mutatedFilesNeverTrap() {
        let whole = Self.section(true) + Self.interface(1, resolution: 9, true)
            + Self.enhanced(interface: 0, units: 123, [1, 2, 3, 4, 5], true)
        for length in 0...whole.count { _ = try? PcapReaderTests.readAll(Array(whole.prefix(length))) }
        for index in whole.indices {
            for flip: UInt8 in [0x01, 0x80, 0xFF] {
                var mutated = whole
                mutated[index] ^= flip
                _ = try? PcapReaderTests.readAll(mutated)
            }
        }
    }
}
