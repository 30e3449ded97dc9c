/// What can be wrong with OpenFlow bytes, as a value.
///
/// Each case maps to the `OFPT_ERROR` type and code the spec prescribes (`errorCode`),
/// so a peer can be answered correctly. `isStreamFatal` tells a broken stream, whose
/// next message boundary cannot be found, from one message that is rejected alone.
public enum OpenFlowError: Error, Equatable, Sendable {
    /// The header's length is below 8: no later message boundary can be trusted.
    case badHeaderLength(UInt16)
    /// A version other than 0x01 on a message other than HELLO.
    case badVersion(UInt8)
    /// A message type OpenFlow 1.0 does not define.
    case badType(MessageType)
    /// A message whose length does not fit its type's structure.
    case badLength(MessageType)
    /// A stats request or reply of a type OpenFlow 1.0 does not define.
    case badStatsType(UInt16)
    /// An action type OpenFlow 1.0 does not define.
    case badActionType(UInt16)
    /// An action whose length is wrong for its type, not a multiple of 8, or overruns.
    case badActionLength(UInt16)
    /// An action argument out of range (VLAN id > 4095, PCP > 7, TOS with ECN bits).
    case badActionArgument(UInt16)
    /// A FLOW_MOD command outside ADD...DELETE_STRICT.
    case badFlowModCommand(UInt16)
    /// The output buffer is too small for the message (an encoding error).
    case bufferTooSmall
    /// The message would exceed the 16-bit length field (an encoding error: split it,
    /// as stats replies do with REPLY_MORE).
    case messageTooLong(MessageType)

    /// The `OFPT_ERROR` type and code to send the peer; nil for a local encoding error.
    public var errorCode: ErrorCode? {
        switch self {
        case .badHeaderLength, .badLength: .badLength
        case .badVersion: .badVersion
        case .badType: .badType
        case .badStatsType: .badStat
        case .badActionType: .badActionType
        case .badActionLength: .badActionLength
        case .badActionArgument: .badActionArgument
        case .badFlowModCommand: .badFlowModCommand
        case .bufferTooSmall, .messageTooLong: nil
        }
    }

    /// True when the byte stream cannot be resynchronised and the connection must close.
    public var isStreamFatal: Bool {
        if case .badHeaderLength = self { return true }
        return false
    }

    /// `OFPET_BAD_REQUEST OFPBRC_BAD_LEN`, or a plain phrase for an encoding error.
    public var specName: String {
        if let code = errorCode { return code.specName }
        if case .messageTooLong = self { return "message too long" }
        return "buffer too small"
    }

    /// What was wrong, in a few words beyond the spec's constants (for logs and tools).
    public var detail: String {
        switch self {
        case .badHeaderLength(let length): "header length " + String(length)
        case .badVersion(let version): "version 0x" + String(version, radix: 16)
        case .badType(let type): "type " + String(type.rawValue)
        case .badLength(let type): "length does not fit " + (type.specName ?? "type " + String(type.rawValue))
        case .badStatsType(let type): "stats type " + String(type)
        case .badActionType(let type): "action type " + String(type)
        case .badActionLength(let length): "action length " + String(length)
        case .badActionArgument(let type): "argument of action type " + String(type)
        case .badFlowModCommand(let command): "flow_mod command " + String(command)
        case .bufferTooSmall: "buffer too small"
        case .messageTooLong(let type): (type.specName ?? "type " + String(type.rawValue)) + " longer than 65535 bytes"
        }
    }
}
