import Wire

/// One direction of a TCP connection: the segments from `source` to `destination`.
public struct FlowKey: Hashable, Sendable, Comparable {
    public var source: IPv4Address
    public var sourcePort: UInt16
    public var destination: IPv4Address
    public var destinationPort: UInt16

    public init(source: IPv4Address, sourcePort: UInt16, destination: IPv4Address, destinationPort: UInt16) {
        self.source = source
        self.sourcePort = sourcePort
        self.destination = destination
        self.destinationPort = destinationPort
    }

    /// The opposite direction of the same connection.
    public var reversed: FlowKey {
        FlowKey(source: destination, sourcePort: destinationPort, destination: source, destinationPort: sourcePort)
    }

    public static func < (a: FlowKey, b: FlowKey) -> Bool {
        (a.source, a.sourcePort, a.destination, a.destinationPort)
            < (b.source, b.sourcePort, b.destination, b.destinationPort)
    }
}

extension FlowKey: CustomStringConvertible {
    /// `10.0.0.1:40000 > 10.0.0.2:6653`, tcpdump's arrow.
    public var description: String {
        source.description + ":" + String(sourcePort) + " > "
            + destination.description + ":" + String(destinationPort)
    }
}
