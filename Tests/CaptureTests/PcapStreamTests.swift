import Capture
import Testing

/// The streaming reader: the same records and errors as `PcapReader`, whatever the
/// read sizes, in a bounded buffer.
struct PcapStreamTests {
    /// A file that a `read` hands out `chunk` bytes at a time.
    struct ChunkedFile {
        let bytes: [UInt8]
        let chunk: Int
        var position = 0
        /// The largest room the stream ever offered.
        var largestOffer = 0

        mutating func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
            largestOffer = max(largestOffer, buffer.count)
            let count = min(chunk, buffer.count, bytes.count - position)
            bytes.withUnsafeBytes { source in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[position..<position + count]))
            }
            position += count
            return count
        }
    }

    /// Every record's bytes and timestamp, read through a stream.
    static func streamAll(_ file: inout ChunkedFile, readSize: Int = 1 << 16) throws(CaptureError) -> [[UInt8]] {
        var stream = PcapStream(readSize: readSize)
        var frames: [[UInt8]] = []
        while true {
            if let record = try stream.next() {
                frames.append(Array(record.data))
            } else if stream.isAtEnd {
                return frames
            } else {
                stream.fill { file.read(into: $0) }
            }
        }
    }

    static func classicFile(_ count: Int) -> [UInt8] {
        var writer = PcapWriter()
        for index in 0..<count {
            writer.append(Array(repeating: UInt8(index & 0xFF), count: 60 + index % 300)[...], at: CaptureTimestamp(seconds: UInt64(index), nanoseconds: 0))
        }
        return writer.bytes
    }

    static var pcapngFile: [UInt8] {
        PcapngReaderTests.section(true) + PcapngReaderTests.interface(1, true)
            + PcapngReaderTests.block(4, [1, 2, 3, 4])
            + PcapngReaderTests.enhanced(interface: 0, units: 1, [0xAA, 0xBB, 0xCC], true)
            + PcapngReaderTests.section(false) + PcapngReaderTests.interface(1, false)
            + PcapngReaderTests.enhanced(interface: 0, units: 2, Array(0..<100), false)
    }

    static func readAll(_ bytes: [UInt8]) throws(CaptureError) -> [[UInt8]] {
        try PcapReaderTests.readAll(bytes).map { Array($0.data) }
    }

    @Test(arguments: [1, 7, 64, 1 << 20])
    func theSameRecordsWhateverTheReadSize(chunk: Int) throws {
        for bytes in [Self.classicFile(50), Self.pcapngFile] {
            var file = ChunkedFile(bytes: bytes, chunk: chunk)
            #expect(try Self.streamAll(&file) == Self.readAll(bytes))
        }
    }

    @Test func theBufferStaysBoundedForALargeFile() throws {
        let bytes = Self.classicFile(2000)  // about 400 KB
        var file = ChunkedFile(bytes: bytes, chunk: 1 << 20)
        let frames = try Self.streamAll(&file, readSize: 4096)
        #expect(frames.count == 2000)
        #expect(file.largestOffer <= 4096)
    }

    @Test func aRecordLongerThanOneReadIsGatheredWhole() throws {
        var writer = PcapWriter()
        writer.append(Array(repeating: 7, count: 10_000)[...], at: CaptureTimestamp(seconds: 1, nanoseconds: 0))
        var file = ChunkedFile(bytes: writer.bytes, chunk: 100)
        #expect(try Self.streamAll(&file, readSize: 512) == [Array(repeating: 7, count: 10_000)])
    }

    @Test func corruptFilesFailAtTheSameOffsetAsInMemory() throws {
        let whole = Self.classicFile(3)
        var tooLarge = whole
        tooLarge[24 + 8..<24 + 12] = [0xFF, 0xFF, 0xFF, 0x7F]  // the first record's captured length
        let truncated = Array(whole.dropLast(5))
        let pcapngBadTrailer = Array(Self.pcapngFile.dropLast(1)) + [0x99]
        for bytes in [[], Array(whole.prefix(10)), Array("Hello, world".utf8), tooLarge, truncated, pcapngBadTrailer] {
            var expected: CaptureError?
            do throws(CaptureError) { _ = try Self.readAll(bytes) } catch { expected = error }
            var file = ChunkedFile(bytes: bytes, chunk: 5)
            #expect(throws: expected!) { try Self.streamAll(&file) }
        }
    }

    @Test func aHugeBlockIsRefusedNotBuffered() {
        var block = PcapngReaderTests.block(4, [])
        block[4..<8] = [0, 0, 0, 0x04]  // 64 MiB, little-endian
        var file = ChunkedFile(bytes: PcapngReaderTests.section(true) + block + Array(repeating: 0, count: 100), chunk: 4096)
        let offset = PcapngReaderTests.section(true).count
        #expect(throws: CaptureError.blockTooLarge(offset: offset, length: 64 << 20)) { try Self.streamAll(&file) }
        #expect(file.largestOffer <= 1 << 16)
    }
}
