/// Builds a classic pcap file in memory, so tests can hand our bytes to tshark or replay
/// them through `PcapReader`, and a recorder can stream it to a file (`takeBytes`).
/// Byte order and precision are selectable to produce every variant the reader accepts.
public struct PcapWriter: Sendable {
    public enum Precision: Sendable {
        case microseconds
        case nanoseconds
    }

    public private(set) var bytes: [UInt8] = []
    public let snapLength: UInt32
    private let littleEndian: Bool
    private let precision: Precision

    public init(
        linkType: LinkType = .ethernet, snapLength: UInt32 = PcapReader.maximumRecordLength,
        littleEndian: Bool = true, precision: Precision = .microseconds
    ) {
        self.snapLength = snapLength
        self.littleEndian = littleEndian
        self.precision = precision
        let magic = precision == .microseconds ? PcapMagic.microseconds : PcapMagic.nanoseconds
        append32(magic)
        append16(2)
        append16(4)
        append32(0)  // thiszone
        append32(0)  // sigfigs
        append32(snapLength)
        append32(UInt32(linkType.rawValue))
    }

    /// Appends one packet, cut to the snap length as a capturing tool would.
    public mutating func append(_ frame: ArraySlice<UInt8>, at timestamp: CaptureTimestamp) {
        let captured = min(frame.count, Int(snapLength))
        append32(UInt32(truncatingIfNeeded: timestamp.seconds))
        append32(precision == .microseconds ? timestamp.nanoseconds / 1000 : timestamp.nanoseconds)
        append32(UInt32(captured))
        append32(UInt32(truncatingIfNeeded: frame.count))
        bytes.append(contentsOf: frame.prefix(captured))
    }

    /// Hands over the bytes built so far (the header first time) and starts empty, for
    /// writing a capture out as it grows.
    public mutating func takeBytes() -> [UInt8] {
        defer { bytes.removeAll(keepingCapacity: true) }
        return bytes
    }

    private mutating func append16(_ value: UInt16) {
        let v = littleEndian ? value.byteSwapped : value
        bytes.append(UInt8(v >> 8))
        bytes.append(UInt8(truncatingIfNeeded: v))
    }

    private mutating func append32(_ value: UInt32) {
        let v = littleEndian ? value.byteSwapped : value
        for shift in stride(from: 24, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: v >> UInt32(shift)))
        }
    }
}
