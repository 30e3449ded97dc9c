/// A capture timestamp, normalised to nanoseconds whatever the file's precision.
public struct CaptureTimestamp: Hashable, Sendable, Comparable {
    public var seconds: UInt64
    /// Always below 1_000_000_000.
    public var nanoseconds: UInt32

    @inlinable
    public init(seconds: UInt64, nanoseconds: UInt32) {
        self.seconds = seconds + UInt64(nanoseconds / 1_000_000_000)
        self.nanoseconds = nanoseconds % 1_000_000_000
    }

    public static func < (a: CaptureTimestamp, b: CaptureTimestamp) -> Bool {
        (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds)
    }
}

/// One captured packet. `data` is a slice of the file's bytes: nothing is copied.
public struct PcapRecord: Sendable {
    public var timestamp: CaptureTimestamp
    public var linkType: LinkType
    /// The packet's length on the wire; more than `capturedLength` when the snap length cut
    /// it, and never less (a file claiming less is taken to mean the captured length).
    public var originalLength: Int
    public var data: ArraySlice<UInt8>

    @inlinable public var capturedLength: Int { data.count }

    public init(timestamp: CaptureTimestamp, linkType: LinkType, originalLength: Int, data: ArraySlice<UInt8>) {
        self.timestamp = timestamp
        self.linkType = linkType
        self.originalLength = originalLength
        self.data = data
    }
}
