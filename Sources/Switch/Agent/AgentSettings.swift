import OpenFlow
import Scheduler

/// What the switch does while no controller is connected.
public enum FailMode: Hashable, Sendable {
    /// Keep the flows and use them (then the emergency flows); drop misses.
    case secure
    /// Act as a learning switch (NORMAL for every packet) until a controller returns.
    case standalone
}

/// How the agent treats its connections. Plain values, for flags and literals.
public struct AgentSettings: Sendable {
    public var failMode: FailMode = .secure
    /// The controllers to connect to, by name (`tcp:127.0.0.1:6653`), for logs. The
    /// agent keeps a reconnect schedule for each; the executable makes the connections.
    public var controllers: [String] = []
    /// OFPST_DESC. An empty `datapath` field is filled with the datapath id.
    public var description = DescStats(
        manufacturer: "SwiftOpenFlow", hardware: "sans-IO software switch", software: "SwiftOpenFlow Switch",
        serialNumber: "none", datapath: "")
    /// A connection that has not sent HELLO in this time is closed.
    public var handshakeTimeout: Interval = .seconds(10)
    /// After this long without a message, the agent sends ECHO_REQUEST (and again every
    /// interval while the silence lasts).
    public var echoInterval: Interval = .seconds(5)
    /// After this long without any message, the connection is closed.
    public var echoTimeout: Interval = .seconds(15)
    /// Reconnect backoff: the first retry after `reconnectInitial`, doubling up to
    /// `reconnectMaximum`; reset once a connection completes its handshake.
    public var reconnectInitial: Interval = .seconds(1)
    public var reconnectMaximum: Interval = .seconds(8)
    /// Above this many unsent bytes `wantsInput` turns false, so the I/O layer stops
    /// reading that connection until it drains.
    public var outputHighWater: Int = 1 << 20
    /// The hard cap on a connection's unsent bytes: an asynchronous message or reply
    /// that would pass it is dropped and counted.
    public var outputLimit: Int = 16 << 20
    /// The largest stats reply message; longer answers are split with REPLY_MORE.
    /// At most 65535 (the length field); smaller values are for tests.
    public var maximumReplyLength: Int = 65535
    /// Initial capacity of each connection's input and output buffers.
    public var bufferCapacity: Int = 1 << 16
    /// Log records kept until drained; beyond that they are counted and dropped.
    public var logLimit: Int = 4096

    public init() {}
}

extension AgentSettings {
    var channelTiming: ChannelTiming {
        ChannelTiming(handshakeTimeout: handshakeTimeout, echoInterval: echoInterval, echoTimeout: echoTimeout)
    }
}
