import OpenFlow
import Scheduler

/// How a datapath is built. Plain values, so the executable fills them from flags and
/// tests from literals.
public struct DatapathSettings: Sendable {
    public var datapathID: UInt64 = 1
    /// Flows the table holds; one more is refused with OFPFMFC_ALL_TABLES_FULL.
    public var tableCapacity: Int = 65536
    /// Emergency flows (OFPFF_EMERG) held apart, used only while disconnected in
    /// fail-secure mode.
    public var emergencyCapacity: Int = 1024
    /// Packets held for the controller (`n_buffers`); 0 sends every packet_in whole
    /// with buffer_id 0xffffffff, as Open vSwitch does.
    public var bufferCount: Int = 256
    /// How long a buffered packet waits for its PACKET_OUT or FLOW_MOD.
    public var bufferLifetime: Interval = .seconds(5)
    /// Addresses the NORMAL action's learning table keeps, and for how long.
    public var macTableCapacity: Int = 8192
    public var macAgingTime: Interval = .seconds(300)
    /// Unsent asynchronous messages (packet_in, flow_removed, port_status) kept for the
    /// agent; past this they are dropped and counted.
    public var asyncOutputLimit: Int = 1 << 20
    /// Initial size of the frame arena; it grows to the largest batch seen.
    public var arenaCapacity: Int = 1 << 16
    /// Seeds the exact-match hash, so a peer choosing addresses cannot aim collisions.
    /// The executable should pass a random value.
    public var hashSeed: UInt64 = 0x5157_4F46_5357_4348

    public init() {}
}

/// What the datapath does with packets, which depends on the controller connection and
/// the fail mode. The agent sets it; a datapath driven directly starts in `.controller`.
public enum ForwardingMode: Hashable, Sendable {
    /// A controller is connected: flows, and a miss goes up as packet_in.
    case controller
    /// Fail-secure while no controller is connected: the flows (kept, and still
    /// aging), then the emergency flows; a miss is dropped, and so is output to
    /// CONTROLLER.
    case failSecure
    /// Fail-standalone while a configured controller is not connected: every packet
    /// takes the NORMAL path, as Open vSwitch's fail-open does. Flows are kept (and
    /// age) for when the controller returns.
    case failStandalone
    /// No controller configured at all, whatever the fail mode (only passive
    /// connections, such as ovs-ofctl's): flows first, a miss takes the NORMAL path (Open vSwitch's
    /// default flow).
    case normalOnMiss
}

/// What the datapath counts beyond flows, tables and ports.
public struct DatapathCounters: Hashable, Sendable {
    /// Frames from a port number the datapath does not have.
    public var unknownPortDrops: UInt64 = 0
    /// IP fragments dropped under OFPC_FRAG_DROP.
    public var fragmentDrops: UInt64 = 0
    /// Misses dropped in fail-secure mode.
    public var missDrops: UInt64 = 0
    /// Output to the in_port without IN_PORT, dropped as the spec requires.
    public var inPortDrops: UInt64 = 0
    public var packetIns: UInt64 = 0
    /// Packets for the controller dropped: none connected, NO_PACKET_IN, or the
    /// asynchronous output was full.
    public var packetInDrops: UInt64 = 0
    public var flowRemoveds: UInt64 = 0
    public var portStatuses: UInt64 = 0
    /// Asynchronous messages dropped because the agent did not take them in time.
    public var asyncDrops: UInt64 = 0

    public init() {}
}
