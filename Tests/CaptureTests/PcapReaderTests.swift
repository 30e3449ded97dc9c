import Capture
import Testing

/// Every file variant the reader accepts, and every way a corrupt file must fail.
struct PcapReaderTests {
    static let frames: [[UInt8]] = [[1, 2, 3], [], Array(0..<200)]

    static func readAll(_ bytes: [UInt8]) throws(CaptureError) -> [PcapRecord] {
        var reader = try PcapReader(bytes)
        var records: [PcapRecord] = []
        while let record = try reader.next() { records.append(record) }
        return records
    }

    @Test(arguments: [true, false], [PcapWriter.Precision.microseconds, .nanoseconds])
    func roundTrip(littleEndian: Bool, precision: PcapWriter.Precision) throws {
        var writer = PcapWriter(littleEndian: littleEndian, precision: precision)
        let time = CaptureTimestamp(seconds: 1_700_000_123, nanoseconds: 456_789_123)
        for frame in Self.frames { writer.append(frame[...], at: time) }
        let records = try Self.readAll(writer.bytes)
        #expect(records.map { Array($0.data) } == Self.frames)
        #expect(records.allSatisfy { $0.linkType == .ethernet })
        let expectedNanoseconds: UInt32 = precision == .nanoseconds ? 456_789_123 : 456_789_000
        #expect(records[0].timestamp == CaptureTimestamp(seconds: 1_700_000_123, nanoseconds: expectedNanoseconds))
    }

    /// A big-endian microsecond file written by hand, so the writer is not checked only
    /// against itself.
    @Test func goldenBigEndianFile() throws {
        let bytes: [UInt8] = [
            0xA1, 0xB2, 0xC3, 0xD4, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 0, 113,
            0, 0, 0, 10, 0, 0, 0, 20, 0, 0, 0, 2, 0, 0, 0, 60, 0xAB, 0xCD,
        ]
        let records = try Self.readAll(bytes)
        #expect(records.count == 1)
        #expect(records[0].linkType == .linuxSLL)
        #expect(records[0].timestamp == CaptureTimestamp(seconds: 10, nanoseconds: 20_000))
        #expect(records[0].capturedLength == 2)
        #expect(records[0].originalLength == 60)
        #expect(Array(records[0].data) == [0xAB, 0xCD])
    }

    @Test func littleEndianNanosecondMagic() throws {
        let bytes: [UInt8] = [
            0x4D, 0x3C, 0xB2, 0xA1, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 228, 0, 0, 0,
            5, 0, 0, 0, 0x15, 0xCD, 0x5B, 0x07, 1, 0, 0, 0, 1, 0, 0, 0, 0x45,
        ]
        let records = try Self.readAll(bytes)
        #expect(records[0].linkType == .ipv4)
        #expect(records[0].timestamp == CaptureTimestamp(seconds: 5, nanoseconds: 123_456_789))
    }

    @Test func snapLengthCutsFramesAndKeepsOriginalLength() throws {
        var writer = PcapWriter(snapLength: 64)
        writer.append(Array(repeating: 7, count: 100)[...], at: CaptureTimestamp(seconds: 0, nanoseconds: 0))
        let record = try #require(try Self.readAll(writer.bytes).first)
        #expect(record.capturedLength == 64)
        #expect(record.originalLength == 100)
    }

    @Test func emptyFileAfterHeaderHasNoRecords() throws {
        #expect(try Self.readAll(PcapWriter().bytes).isEmpty)
    }

    @Test func garbageIsATypedError() {
        #expect(throws: CaptureError.truncatedFileHeader) { try Self.readAll([]) }
        #expect(throws: CaptureError.truncatedFileHeader) { try Self.readAll([0xD4, 0xC3, 0xB2, 0xA1, 2, 0]) }
        #expect(throws: CaptureError.unknownMagic(0x4865_6C6C)) { try Self.readAll(Array("Hello, world".utf8)) }
        var badVersion = PcapWriter(littleEndian: false).bytes
        badVersion[5] = 9
        #expect(throws: CaptureError.unsupportedVersion(major: 9, minor: 4)) { try Self.readAll(badVersion) }
    }

    @Test func truncatedRecordIsATypedError() {
        var writer = PcapWriter()
        writer.append([1, 2, 3, 4][...], at: CaptureTimestamp(seconds: 0, nanoseconds: 0))
        let whole = writer.bytes
        #expect(throws: CaptureError.truncatedRecord(offset: 24)) { try Self.readAll(Array(whole.dropLast())) }
        #expect(throws: CaptureError.truncatedRecord(offset: 24)) { try Self.readAll(Array(whole.prefix(30))) }
    }

    @Test func oversizedRecordIsATypedError() {
        var bytes = PcapWriter(littleEndian: false).bytes
        bytes += [0, 0, 0, 0, 0, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0xFF, 0, 0, 0, 1]
        #expect(throws: CaptureError.recordTooLarge(offset: 24, length: 0x7FFF_FFFF)) { try Self.readAll(bytes) }
    }

    @Test func errorsExplainThemselves() {
        #expect(CaptureError.unknownMagic(0x1234).description.contains("editcap -F pcap"))
        #expect(CaptureError.truncatedRecord(offset: 99).description.contains("99"))
    }

    /// Any prefix of a valid file, and the file with any byte flipped, reads or throws:
    /// it never traps.
    @Test func mutatedFilesNeverTrap() {
        var writer = PcapWriter()
        for frame in Self.frames { writer.append(frame[...], at: CaptureTimestamp(seconds: 1, nanoseconds: 2)) }
        let whole = writer.bytes
        for length in 0...whole.count { _ = try? Self.readAll(Array(whole.prefix(length))) }
        for index in whole.indices {
            var mutated = whole
            mutated[index] ^= 0xFF
            _ = try? Self.readAll(mutated)
        }
    }
}
