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
        case .bufferTooSmall: nil
        }
    }

    /// True when the byte stream cannot be resynchronised and the connection must close.
    public var isStreamFatal: Bool {
        if case .badHeaderLength = self { return true }
        return false
    }

    /// `OFPET_BAD_REQUEST OFPBRC_BAD_LEN`, or a plain phrase for an encoding error.
    public var specName: String { errorCode?.specName ?? "buffer too small" }
}
