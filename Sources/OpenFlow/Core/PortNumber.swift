/// `ofp_port`: a physical port number or one of the reserved ports. Open.
public struct PortNumber: RawRepresentable, Hashable, Sendable, Comparable {
    public var rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }
    @inlinable public init(_ value: UInt16) { self.rawValue = value }

    /// Highest number a physical port may have.
    public static let max = PortNumber(0xFF00)
    public static let inPort = PortNumber(0xFFF8)
    public static let table = PortNumber(0xFFF9)
    public static let normal = PortNumber(0xFFFA)
    public static let flood = PortNumber(0xFFFB)
    public static let all = PortNumber(0xFFFC)
    public static let controller = PortNumber(0xFFFD)
    public static let local = PortNumber(0xFFFE)
    public static let none = PortNumber(0xFFFF)

    /// True for 1...OFPP_MAX.
    @inlinable public var isPhysical: Bool { rawValue >= 1 && rawValue <= Self.max.rawValue }

    /// The ovs-ofctl keyword for a reserved port (`IN_PORT`, `FLOOD`, ...), else nil.
    public var reservedName: String? {
        switch rawValue {
        case 0xFFF8: "IN_PORT"
        case 0xFFF9: "TABLE"
        case 0xFFFA: "NORMAL"
        case 0xFFFB: "FLOOD"
        case 0xFFFC: "ALL"
        case 0xFFFD: "CONTROLLER"
        case 0xFFFE: "LOCAL"
        case 0xFFFF: "NONE"
        default: nil
        }
    }

    public static func < (a: PortNumber, b: PortNumber) -> Bool { a.rawValue < b.rawValue }
}

/// `ofp_queue` ids: OFPQ_ALL selects every queue in a queue stats request.
public enum QueueID {
    public static let all: UInt32 = 0xFFFF_FFFF
}

/// `buffer_id` meaning "not buffered" (-1).
public enum BufferID {
    public static let none: UInt32 = 0xFFFF_FFFF
}
