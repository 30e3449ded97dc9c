import Wire

/// The header fields of one outgoing segment.
struct TCPSegmentHeader {
    var sourcePort: UInt16
    var destinationPort: UInt16
    var sequence: TCPSequenceNumber
    var acknowledgment: TCPSequenceNumber
    var flags: UInt16
    var window: UInt16
    /// Options for a SYN; nil leaves them out.
    var mss: UInt16? = nil
    var windowScale: UInt8? = nil
    var sackPermitted = false
    /// RFC 7323 timestamps: on the SYN when offered, on every segment once agreed.
    var timestamp: TCPTimestampOption? = nil
    /// SACK blocks (RFC 2018) written by the caller as the header's last bytes; at most
    /// 4, or 3 next to timestamps.
    var sackBlocks = 0

    /// Header plus options, padded with NOPs to a multiple of 4 (as Linux writes them;
    /// SACK-permitted takes the place of the timestamps' padding).
    var length: Int {
        let permittedAndTimestamp = timestamp != nil ? TCPTimestampOption.alignedLength : (sackPermitted ? 4 : 0)
        return TCPHeader.minimumLength + (mss == nil ? 0 : 4) + (windowScale == nil ? 0 : 4) + permittedAndTimestamp
            + (sackBlocks > 0 ? 4 &+ 8 &* sackBlocks : 0)
    }
}

/// Writes segments into the IP layer's buffer: header, then the payload the caller
/// copies in, then the checksum over both with the IPv4 pseudo-header.
enum TCPSegmentWriter {
    /// Writes the header at the start of `buffer`; returns its length. The buffer holds
    /// at least `header.length` bytes (the layer checks once per segment).
    static func writeHeader(_ header: TCPSegmentHeader, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        var writer = ByteWriter(buffer)
        let length = header.length
        writer.uncheckedU16(header.sourcePort)
        writer.uncheckedU16(header.destinationPort)
        writer.uncheckedU32(header.sequence.rawValue)
        writer.uncheckedU32(header.acknowledgment.rawValue)
        writer.uncheckedU16(UInt16(length / 4) << 12 | header.flags)
        writer.uncheckedU16(header.window)
        writer.uncheckedU16(0)  // checksum, filled by `finish`
        writer.uncheckedU16(0)  // urgent pointer
        if let mss = header.mss {
            writer.uncheckedU8(TCPOptions.Kind.mss)
            writer.uncheckedU8(4)
            writer.uncheckedU16(mss)
        }
        if header.sackPermitted {
            if header.timestamp == nil {
                writer.uncheckedU8(TCPOptions.Kind.noOperation)
                writer.uncheckedU8(TCPOptions.Kind.noOperation)
            }
            writer.uncheckedU8(TCPOptions.Kind.sackPermitted)
            writer.uncheckedU8(2)
        } else if header.timestamp != nil {
            writer.uncheckedU8(TCPOptions.Kind.noOperation)
            writer.uncheckedU8(TCPOptions.Kind.noOperation)
        }
        if let timestamp = header.timestamp {
            writer.uncheckedU8(TCPOptions.Kind.timestamp)
            writer.uncheckedU8(10)
            writer.uncheckedU32(timestamp.value)
            writer.uncheckedU32(timestamp.echo)
        }
        if let scale = header.windowScale {
            writer.uncheckedU8(TCPOptions.Kind.noOperation)
            writer.uncheckedU8(TCPOptions.Kind.windowScale)
            writer.uncheckedU8(3)
            writer.uncheckedU8(scale)
        }
        if header.sackBlocks > 0 {
            writer.uncheckedU8(TCPOptions.Kind.noOperation)
            writer.uncheckedU8(TCPOptions.Kind.noOperation)
            writer.uncheckedU8(TCPOptions.Kind.sack)
            writer.uncheckedU8(UInt8(2 &+ 8 &* header.sackBlocks))
        }
        return length
    }

    /// Writes one SACK block at `offset` (inside the option `writeHeader` announced, whose
    /// blocks end the header).
    static func writeSackBlock(left: TCPSequenceNumber, right: TCPSequenceNumber, at offset: Int, into buffer: UnsafeMutableRawBufferPointer) {
        buffer.storeBytes(of: left.rawValue.bigEndian, toByteOffset: offset, as: UInt32.self)
        buffer.storeBytes(of: right.rawValue.bigEndian, toByteOffset: offset &+ 4, as: UInt32.self)
    }

    /// For a segment the device cuts up and checksums: only the pseudo-header sum (over
    /// the whole segment's length), folded and not inverted, as Linux leaves it for a
    /// NIC (CHECKSUM_PARTIAL); the device adds the bytes of each piece.
    static func finishPartially(_ buffer: UnsafeMutableRawBufferPointer, length: Int, source: IPv4Address, destination: IPv4Address) {
        let pseudo = InternetChecksum.pseudoHeaderSum(source: source, destination: destination, protocol: 6, length: length)
        buffer.storeBytes(of: UInt16(truncatingIfNeeded: pseudo).bigEndian, toByteOffset: TCPHeader.Offset.checksum, as: UInt16.self)
    }

    /// The header length (options included) of the segment at the start of `buffer`,
    /// from its data offset.
    static func headerLength(of buffer: UnsafeMutableRawBufferPointer) -> Int {
        Int(buffer[12] >> 4) &* 4
    }

    /// Fills in the checksum of the `length`-byte segment at the start of `buffer`.
    static func finish(_ buffer: UnsafeMutableRawBufferPointer, length: Int, source: IPv4Address, destination: IPv4Address) {
        let pseudo = InternetChecksum.pseudoHeaderSum(source: source, destination: destination, protocol: 6, length: length)
        let checksum = InternetChecksum.finish(InternetChecksum.sum(raw: UnsafeRawBufferPointer(rebasing: buffer[0..<length]), initial: pseudo))
        buffer.storeBytes(of: checksum.bigEndian, toByteOffset: TCPHeader.Offset.checksum, as: UInt16.self)
    }
}
