import OpenFlow
import Scheduler
import Wire

/// The sans-IO OpenFlow 1.0 datapath: the flow table, its actions, the packet buffers
/// and the ports. Frames go in with their port and the time; frames to send come out
/// as `transmissions`, and messages for the controller as `asyncOutput` bytes. It owns
/// no socket and reads no clock.
///
/// The I/O contract: after each call that can produce frames (`receive`,
/// `packetOut`, `flowMod` with a buffer_id), send every entry of `transmissions`
/// before the next call, which forgets them. `receive` starts a new list; the
/// controller-message calls add to it (`clearTransmissions` starts one by hand).
/// Call `tick` when `nextDeadline` passes. Take `asyncOutput` (`takeAsyncOutput`) to
/// the controller connections; the agent does both for you.
public struct Datapath {
    public let settings: DatapathSettings
    /// Ports in the order they were added; their counters are in `portStats`.
    var records: [SwitchPort] = []
    /// Each port's counters, index for index with `records`: plain values, so the packet
    /// path updates them in place.
    var portStats: [PortStats] = []
    /// The packet path's view of each port, index for index with `ports`.
    var portFlags: [PortFlags] = []
    /// Index into `ports` by port number, -1 for none; LOCAL is kept apart.
    var portIndexByNumber: [Int32] = []
    var localPortIndex = -1
    public internal(set) var config = SwitchConfig()
    public var mode: ForwardingMode = .controller
    var table: FlowTable
    var emergency: FlowTable
    var buffers: PacketBuffers
    var macTable: MACLearningTable
    var editor: FrameEditor
    var async: AsyncOutput
    public internal(set) var counters = DatapathCounters()
    /// At or before the earliest flow expiry.
    var flowDeadline: Instant?

    /// The table id flow stats report for emergency flows (OFPTT_EMERG).
    public static let emergencyTableID: UInt8 = 0xFE

    public init(settings: DatapathSettings = DatapathSettings()) {
        self.settings = settings
        table = FlowTable(tableID: 0, capacity: settings.tableCapacity, seed: settings.hashSeed)
        emergency = FlowTable(tableID: Self.emergencyTableID, capacity: settings.emergencyCapacity, seed: settings.hashSeed)
        buffers = PacketBuffers(count: settings.bufferCount, lifetime: settings.bufferLifetime, frameCapacity: 1536)
        macTable = MACLearningTable(capacity: settings.macTableCapacity, aging: settings.macAgingTime, seed: settings.hashSeed)
        editor = FrameEditor(capacity: settings.arenaCapacity)
        async = AsyncOutput(limit: settings.asyncOutputLimit)
    }

    // MARK: Reading

    /// Ports in the order they were added, with their counters.
    public var ports: [SwitchPort] {
        records.indices.map { port(at: $0) }
    }

    public func port(_ number: PortNumber) -> SwitchPort? {
        portIndex(number).map { port(at: $0) }
    }

    func port(at index: Int) -> SwitchPort {
        var port = records[index]
        port.stats = portStats[index]
        return port
    }

    /// Flows in the main table and the emergency table.
    public var flowCount: Int { table.count }
    public var emergencyFlowCount: Int { emergency.count }
    /// Packets held for the controller.
    public var bufferedCount: Int { buffers.heldCount }

    /// Actions this switch performs: all twelve OpenFlow 1.0 types.
    public static let supportedActions: UInt32 = 0xFFF

    /// What FEATURES_REPLY says. Capabilities are what is implemented: flow, table, port
    /// and queue stats, and ARP fields in nw_src/nw_dst/nw_proto; no STP and no IP
    /// reassembly (so OFPC_FRAG_REASM is not honoured, see `setConfig`).
    public var features: SwitchFeatures {
        SwitchFeatures(
            datapathID: settings.datapathID, bufferCount: UInt32(clamping: buffers.capacity), tableCount: 1,
            capabilities: [.flowStats, .tableStats, .portStats, .queueStats, .arpMatchIP],
            actions: Self.supportedActions, ports: records.map { $0.description })
    }

    // MARK: Frames out

    /// Frames the last call produced.
    public var transmissions: TransmissionList {
        TransmissionList(arena: editor.arena, sends: editor.sends, sendCount: editor.sendCount)
    }

    /// Calls `body` with each frame produced, as raw bytes: the backend's way to send
    /// them without touching reference counts. The bytes are valid during the call.
    /// (Mutating only so that the datapath is passed by reference, never copied.)
    public mutating func forEachTransmission(_ body: (_ port: PortNumber, _ queueID: UInt32?, _ frame: UnsafeRawBufferPointer) -> Void) {
        let count = editor.sendCount
        editor.sends.withUnsafeBufferPointer { sends in
            editor.arena.withUnsafeBytes { arena in
                for send in sends[..<count] {
                    body(send.port, send.queueID, UnsafeRawBufferPointer(rebasing: arena[send.start..<send.start + send.count]))
                }
            }
        }
    }

    public mutating func clearTransmissions() { editor.reset() }

    // MARK: Messages out

    /// Encoded asynchronous messages (xid 0) not yet taken.
    public var asyncOutput: ArraySlice<UInt8> { async.bytes }

    public var hasAsyncOutput: Bool { !async.isEmpty }

    /// Hands the asynchronous messages to `body`, then forgets them.
    public mutating func takeAsyncOutput(_ body: (ArraySlice<UInt8>) -> Void) {
        guard !async.isEmpty else { return }
        body(async.bytes)
        async.clear()
    }

    /// Forgets the asynchronous messages (after copying them out of `asyncOutput`).
    public mutating func clearAsyncOutput() { async.clear() }

    /// Queues an asynchronous message when a controller is connected to get it.
    @discardableResult
    mutating func sendAsync(_ message: Message) -> Bool {
        guard mode == .controller else { return false }
        guard async.append(message) else {
            counters.asyncDrops &+= 1
            return false
        }
        return true
    }

    // MARK: Configuration

    /// SET_CONFIG. OFPC_FRAG_REASM needs reassembly, which this switch does not do and
    /// does not advertise (no OFPC_IP_REASM); OpenFlow 1.0 has no error for SET_CONFIG,
    /// so, as Open vSwitch does, the fragment mode is left as it was and only
    /// miss_send_len is taken. GET_CONFIG reports what is in force.
    public mutating func setConfig(_ newConfig: SwitchConfig) {
        let fragments = newConfig.flags.fragmentHandling
        if fragments == .fragNormal || fragments == .fragDrop {
            config.flags = fragments
        }
        config.missSendLength = newConfig.missSendLength
    }

    // MARK: Ports by number

    @inline(__always)
    func portIndex(_ number: PortNumber) -> Int? {
        if number.rawValue == 0xFFFE { return localPortIndex >= 0 ? localPortIndex : nil }  // OFPP_LOCAL
        let raw = Int(number.rawValue)
        guard raw < portIndexByNumber.count else { return nil }
        let index = Int(portIndexByNumber[raw])
        return index >= 0 ? index : nil
    }

    /// After a port's description changed.
    mutating func refreshFlags(_ index: Int) {
        portFlags[index] = PortFlags(records[index])
    }

    /// Counts a received frame on the port at `index`.
    @inline(__always)
    mutating func countReceived(_ index: Int, bytes: Int) {
        portStats.withUnsafeMutableBufferPointer { stats in
            stats[index].rxPackets &+= 1
            stats[index].rxBytes &+= UInt64(bytes)
        }
    }

    /// Counts a transmitted frame on the port at `index`.
    @inline(__always)
    mutating func countSent(_ index: Int, bytes: Int) {
        portStats.withUnsafeMutableBufferPointer { stats in
            stats[index].txPackets &+= 1
            stats[index].txBytes &+= UInt64(bytes)
        }
    }
}

/// The earlier of two optional instants (nil is never).
@inline(__always)
func earliest(_ a: Instant?, _ b: Instant?) -> Instant? {
    guard let a else { return b }
    guard let b else { return a }
    return min(a, b)
}
