import OpenFlow
import Scheduler

/// How the core treats every connection. Plain values, so the executable can fill them
/// from flags and tests from literals.
public struct ControllerSettings: Sendable {
    /// `miss_send_len` sent in SET_CONFIG after the handshake: bytes of an unmatched
    /// packet a buffering switch sends up (128 is the spec's default; switches without
    /// buffers, like Open vSwitch, send whole packets anyway).
    public var missSendLength: UInt16 = SwitchConfig.defaultMissSendLength
    /// A connection that has not finished HELLO and FEATURES_REPLY in this time is closed.
    public var handshakeTimeout: Interval = .seconds(10)
    /// After this long without a message from a switch, the core sends ECHO_REQUEST
    /// (and again every interval while the silence lasts).
    public var echoInterval: Interval = .seconds(5)
    /// After this long without any message, the switch is considered gone and closed.
    public var echoTimeout: Interval = .seconds(15)
    /// A request with a reply (stats, barrier, config) not answered in this time is
    /// forgotten, and apps get `requestFailed(.timedOut)`.
    public var requestTimeout: Interval = .seconds(30)
    /// Above this many unsent bytes, packet_ins from that switch are dropped unseen
    /// (counted in `drops`) and `wantsInput` turns false, so the I/O layer can stop
    /// reading and let TCP push back on the switch.
    public var outputHighWater: Int = 1 << 20
    /// The hard cap on a connection's unsent bytes: a send that would pass it is refused
    /// (counted in `drops`), so a switch that does not read cannot grow our memory.
    public var outputLimit: Int = 4 << 20
    /// A multipart stats reply longer than this many entries is abandoned
    /// (`requestFailed(.replyTooLarge)`) rather than accumulated without bound.
    public var statsEntryLimit: Int = 100_000
    /// Initial capacity of each connection's input and output buffers.
    public var bufferCapacity: Int = 1 << 16
    /// Log records kept until the executable drains them; beyond it they are counted
    /// and dropped.
    public var logLimit: Int = 4096
    /// The role asked of every switch after its handshake (the Nicira role request);
    /// nil asks none, and the switch treats us as OTHER. An HA pair starts as slave and
    /// changes roles per datapath with `ControllerCore.setRole`.
    public var role: ControllerRole? = nil
    /// Who may connect: datapath ids let in after their handshake; nil lets in all.
    public var allowedDatapaths: Set<DatapathID>? = nil
    /// Connections kept from one source address (the peer's host); a new one past it
    /// is closed at once, so one host cannot take every slot. 0: no limit.
    public var connectionsPerSource: Int = 1024
    /// Connections still in their handshake (TLS and OpenFlow) kept at once. Past it, a
    /// new connection closes the oldest that have said nothing for `silentGrace`:
    /// idle half-open connections cannot keep a real switch out, and switches that
    /// connect together and speak at once are never closed for it. 0: no limit.
    public var handshakesInProgress: Int = 128
    /// How long a connection may stay silent before the handshake limit may close it.
    public var silentGrace: Interval = .seconds(1)
    /// Keep each datapath that finishes its handshake for `ControllerCore.drainRegistered`,
    /// so a host running several cores can tell the one holding an older connection of
    /// the same datapath to close it. Off: nothing is kept.
    public var reportsRegistrations = false

    public init() {}
}
