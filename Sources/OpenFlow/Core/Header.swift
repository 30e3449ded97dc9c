import Wire

/// `ofp_header`, the 8 bytes in front of every message.
public struct Header: Hashable, Sendable {
    public static let length = 8
    /// The wire version of OpenFlow 1.0.
    public static let version: UInt8 = 0x01

    public var version: UInt8
    public var type: MessageType
    /// Length of the whole message, header included.
    public var length: UInt16
    public var xid: UInt32

    @inlinable
    public init(version: UInt8 = Header.version, type: MessageType, length: UInt16, xid: UInt32) {
        self.version = version
        self.type = type
        self.length = length
        self.xid = xid
    }

    /// Reads the header at the start of `bytes`, which must hold at least 8 bytes.
    /// One length check, then two loads.
    @inlinable
    public init(peeking bytes: borrowing ArraySlice<UInt8>) {
        precondition(bytes.count >= 8, "Header(peeking:) needs 8 bytes")
        (version, type, length, xid) = bytes.withUnsafeBytes { raw in
            let word = UInt32(bigEndian: raw.loadUnaligned(as: UInt32.self))
            return (
                UInt8(truncatingIfNeeded: word >> 24), MessageType(rawValue: UInt8(truncatingIfNeeded: word >> 16)),
                UInt16(truncatingIfNeeded: word), UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
            )
        }
    }

    /// The 8 bytes, into room the caller has reserved.
    @inlinable
    func encodeReserved(into writer: inout ByteWriter) {
        writer.uncheckedU8(version)
        writer.uncheckedU8(type.rawValue)
        writer.uncheckedU16(length)
        writer.uncheckedU32(xid)
    }
}
