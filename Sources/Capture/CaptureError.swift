/// Why a capture file cannot be read further. Each case names the byte offset where the
/// problem starts so a corrupt file can be inspected with a hex dump.
public enum CaptureError: Error, Equatable, Sendable {
    /// The file is shorter than its format's file header.
    case truncatedFileHeader
    /// The first four bytes are neither a pcap nor a pcapng magic number.
    case unknownMagic(UInt32)
    /// A pcap file of a major version other than 2.
    case unsupportedVersion(major: UInt16, minor: UInt16)
    /// A record (or pcapng block) runs past the end of the file.
    case truncatedRecord(offset: Int)
    /// A record claims more bytes than `PcapReader.maximumRecordLength`: the file is corrupt.
    case recordTooLarge(offset: Int, length: UInt32)
    /// A pcapng block whose length, trailer or fields are inconsistent.
    case malformedBlock(offset: Int)
    /// A pcapng packet block names an interface that no interface description declared.
    case unknownInterface(offset: Int, id: UInt32)
    /// A block longer than `PcapStream.maximumBlockLength`: too long to buffer.
    case blockTooLarge(offset: Int, length: Int)
}

extension CaptureError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .truncatedFileHeader:
            return "file too short for a pcap or pcapng header"
        case .unknownMagic(let magic):
            return "not a pcap or pcapng file (magic 0x" + String(magic, radix: 16)
                + "); if it is another capture format, convert it with `editcap -F pcap IN OUT`"
        case .unsupportedVersion(let major, let minor):
            return "unsupported pcap version " + String(major) + "." + String(minor)
        case .truncatedRecord(let offset):
            return "record at offset " + String(offset) + " runs past the end of the file"
        case .recordTooLarge(let offset, let length):
            return "record at offset " + String(offset) + " claims " + String(length)
                + " bytes, more than " + String(PcapReader.maximumRecordLength) + ": file is corrupt"
        case .malformedBlock(let offset):
            return "malformed pcapng block at offset " + String(offset)
        case .unknownInterface(let offset, let id):
            return "pcapng packet at offset " + String(offset) + " names undeclared interface " + String(id)
        case .blockTooLarge(let offset, let length):
            return "block at offset " + String(offset) + " claims " + String(length) + " bytes, more than "
                + String(PcapStream.maximumBlockLength) + ": file is corrupt"
        }
    }
}
