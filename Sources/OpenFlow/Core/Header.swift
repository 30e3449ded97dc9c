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

    public init(version: UInt8 = Header.version, type: MessageType, length: UInt16, xid: UInt32) {
        self.version = version
        self.type = type
        self.length = length
        self.xid = xid
    }

    /// Reads the header at the start of `bytes`, which must hold at least 8 bytes.
    @inlinable
    public init(peeking bytes: ArraySlice<UInt8>) {
        let i = bytes.startIndex
        version = bytes[i]
        type = MessageType(rawValue: bytes[i + 1])
        length = UInt16(bytes[i + 2]) << 8 | UInt16(bytes[i + 3])
        xid = UInt32(bytes[i + 4]) << 24 | UInt32(bytes[i + 5]) << 16 | UInt32(bytes[i + 6]) << 8 | UInt32(bytes[i + 7])
    }

    func encode(into writer: inout ByteWriter) throws(WireError) {
        try writer.u8(version)
        try writer.u8(type.rawValue)
        try writer.u16(length)
        try writer.u32(xid)
    }
}
