import Wire

/// What a device with TCP segmentation offload does to a large frame, done in software
/// the way Linux's GSO does it: each piece repeats the headers, with the IPv4 total
/// length, ID (one more per piece) and checksum, the sequence number and the TCP
/// checksum fixed up; FIN and PSH stay on the last piece only. The TCP checksum is
/// finished from the partial one in the frame (the pseudo-header sum over the whole
/// segment's length, adjusted for each piece's), so a wrong partial sum shows up as a
/// bad checksum at the receiver.
public enum SoftwareSegmentation {
    public static func cut(_ frame: [UInt8], _ offload: FrameOffload) -> [[UInt8]] {
        guard offload.segments else { return [frame] }
        let header = Int(offload.headerLength)
        let size = Int(offload.segmentSize)
        let tcp = Int(offload.checksumStart)
        let field = tcp + Int(offload.checksumOffset)
        let identification = be16(frame, 18)
        let sequence = be32(frame, tcp + 4)
        let partial = UInt32(be16(frame, field))
        let wholeLength = UInt32(frame.count - tcp)
        var pieces: [[UInt8]] = []
        var offset = header
        while offset < frame.count {
            let count = min(size, frame.count - offset)
            var piece = Array(frame[0..<header]) + frame[offset..<offset + count]
            put16(&piece, 16, UInt16(piece.count - 14))
            put16(&piece, 18, identification &+ UInt16(pieces.count))
            put16(&piece, 24, 0)
            put16(&piece, 24, InternetChecksum.checksum(piece[14..<tcp]))
            put32(&piece, tcp + 4, sequence &+ UInt32(offset - header))
            if offset + count < frame.count { piece[tcp + 13] &= ~UInt8(0x09) }  // FIN, PSH
            // One's-complement: take the whole length out of the partial sum, put the piece's in.
            let adjusted = InternetChecksum.fold(UInt64(partial) + UInt64(~UInt16(wholeLength)) + UInt64(piece.count - tcp))
            put16(&piece, field, UInt16(adjusted))
            put16(&piece, field, InternetChecksum.checksum(piece[tcp...]))
            pieces.append(piece)
            offset += count
        }
        return pieces
    }

    public static func be16(_ bytes: [UInt8], _ at: Int) -> UInt16 { UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1]) }
    public static func be32(_ bytes: [UInt8], _ at: Int) -> UInt32 { UInt32(be16(bytes, at)) << 16 | UInt32(be16(bytes, at + 2)) }

    public static func put16(_ bytes: inout [UInt8], _ at: Int, _ value: UInt16) {
        bytes[at] = UInt8(value >> 8)
        bytes[at + 1] = UInt8(truncatingIfNeeded: value)
    }

    public static func put32(_ bytes: inout [UInt8], _ at: Int, _ value: UInt32) {
        put16(&bytes, at, UInt16(value >> 16))
        put16(&bytes, at + 2, UInt16(truncatingIfNeeded: value))
    }
}
