/// Names one OpenFlow connection inside the switch agent. The I/O layer picks the
/// values (a socket's token, a test's counter); the agent only compares them.
public struct ChannelID: Hashable, Sendable, Comparable {
    public var rawValue: UInt64
    @inlinable public init(_ rawValue: UInt64) { self.rawValue = rawValue }
    public static func < (a: ChannelID, b: ChannelID) -> Bool { a.rawValue < b.rawValue }
}

/// How a connection came to be.
public enum ChannelRole: Hashable, Sendable {
    /// We connected to the controller numbered `controller` in `AgentSettings.controllers`.
    /// It gets the asynchronous messages, and its presence decides the fail mode.
    case active(controller: Int)
    /// A peer connected to our listener (ovs-ofctl, a monitoring tool): it is answered,
    /// but gets no asynchronous messages and does not count as a controller, as Open
    /// vSwitch treats its service connections.
    case passive

    public var isActive: Bool {
        if case .active = self { return true }
        return false
    }
}
