import Wire

/// `ofp_flow_mod_command`. Open for encoding; the decoder rejects values past
/// DELETE_STRICT with OFPFMFC_BAD_COMMAND.
public struct FlowModCommand: RawRepresentable, Hashable, Sendable {
    public var rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let add = FlowModCommand(rawValue: 0)
    public static let modify = FlowModCommand(rawValue: 1)
    public static let modifyStrict = FlowModCommand(rawValue: 2)
    public static let delete = FlowModCommand(rawValue: 3)
    public static let deleteStrict = FlowModCommand(rawValue: 4)

    /// `ADD`, `MODIFY`, `MODIFY_STRICT`, `DELETE`, `DELETE_STRICT`.
    public var name: String? {
        switch rawValue {
        case 0: "ADD"
        case 1: "MODIFY"
        case 2: "MODIFY_STRICT"
        case 3: "DELETE"
        case 4: "DELETE_STRICT"
        default: nil
        }
    }
}

/// `ofp_flow_mod_flags`.
public struct FlowModFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let sendFlowRemoved = FlowModFlags(rawValue: 1 << 0)
    public static let checkOverlap = FlowModFlags(rawValue: 1 << 1)
    public static let emergency = FlowModFlags(rawValue: 1 << 2)
}

/// OFPT_FLOW_MOD: add, modify or delete flows.
public struct FlowMod: Hashable, Sendable, MessageBody {
    /// OFP_DEFAULT_PRIORITY.
    public static let defaultPriority: UInt16 = 0x8000

    public var match: Match
    public var cookie: UInt64
    public var command: FlowModCommand
    public var idleTimeout: UInt16
    public var hardTimeout: UInt16
    public var priority: UInt16
    /// A buffered packet to apply the new flow to, or BufferID.none.
    public var bufferID: UInt32
    /// For DELETE: only flows with an output action to this port (OFPP_NONE: any).
    public var outPort: PortNumber
    public var flags: FlowModFlags
    public var actions: [Action]

    public init(
        match: Match, cookie: UInt64 = 0, command: FlowModCommand, idleTimeout: UInt16 = 0,
        hardTimeout: UInt16 = 0, priority: UInt16 = FlowMod.defaultPriority,
        bufferID: UInt32 = BufferID.none, outPort: PortNumber = .none, flags: FlowModFlags = [],
        actions: [Action] = []
    ) {
        self.match = match
        self.cookie = cookie
        self.command = command
        self.idleTimeout = idleTimeout
        self.hardTimeout = hardTimeout
        self.priority = priority
        self.bufferID = bufferID
        self.outPort = outPort
        self.flags = flags
        self.actions = actions
    }

    static func decode(_ reader: inout ByteReader<OpenFlowError>) throws(OpenFlowError) -> FlowMod {
        let match = try Match(from: &reader)
        let cookie = try reader.u64()
        let command = FlowModCommand(rawValue: try reader.u16())
        let idle = try reader.u16()
        let hard = try reader.u16()
        let priority = try reader.u16()
        let bufferID = try reader.u32()
        let outPort = PortNumber(try reader.u16())
        let flags = FlowModFlags(rawValue: try reader.u16())
        guard command.name != nil else { throw .badFlowModCommand(command.rawValue) }
        return FlowMod(
            match: match, cookie: cookie, command: command, idleTimeout: idle, hardTimeout: hard,
            priority: priority, bufferID: bufferID, outPort: outPort, flags: flags,
            actions: try ActionList.decode(reader.rest()))
    }
    @inlinable static var fixedLength: Int { 64 }
    @inlinable var bodyLength: Int { Self.fixedLength + ActionList.wireLength(actions) }
    /// Inlined into `Message.encode`, its one caller, which then writes the fields from
    /// where the switch found them instead of copying the body out to pass it on.
    @inline(__always)
    func encodeBody(into writer: inout ByteWriter) throws(WireError) {
        try writer.reserve(Self.fixedLength)
        match.encodeReserved(into: &writer)
        writer.uncheckedU64(cookie)
        writer.uncheckedU16(command.rawValue)
        writer.uncheckedU16(idleTimeout)
        writer.uncheckedU16(hardTimeout)
        writer.uncheckedU16(priority)
        writer.uncheckedU32(bufferID)
        writer.uncheckedU16(outPort.rawValue)
        writer.uncheckedU16(flags.rawValue)
        try ActionList.encode(actions, into: &writer)
    }
}
